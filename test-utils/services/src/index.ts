export { containerRuntimeAvailable } from "./container-runtime.js";
export { type ProvidedService, serviceGlobalSetup } from "./global-setup.js";
export { isRequired } from "./required.js";
export { type ResolvedService, type ServiceSpec, type StartedService, resolveService } from "./resolve.js";
