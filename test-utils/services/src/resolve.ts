import { containerRuntimeAvailable } from "./container-runtime.js";
import { isRequired } from "./required.js";

export interface StartedService {
  url: string;
  stop: () => Promise<void>;
}

export interface ServiceSpec {
  /** As named in CHAT_HISTORY_REQUIRE. */
  name: string;
  /** Environment variable holding a URL of a running server, e.g. CHAT_HISTORY_TEST_POSTGRES_URL. */
  envVar: string;
  /** Starts a throwaway server in a container when a runtime answers. */
  startContainer?: () => Promise<StartedService>;
}

export type ResolvedService =
  | { url: string; source: "env" | "container"; stop?: () => Promise<void> }
  | { skip: string };

/** Environment URL first, then a container, then a skip (or, when the backend is required, an error). */
export async function resolveService(
  spec: ServiceSpec,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ResolvedService> {
  const fromEnv = env[spec.envVar];
  if (fromEnv) return { url: fromEnv, source: "env" };
  if (spec.startContainer && (await containerRuntimeAvailable())) {
    const started = await spec.startContainer();
    return { url: started.url, source: "container", stop: started.stop };
  }
  const reason = `${spec.name}: set ${spec.envVar} or start a container runtime`;
  if (isRequired(spec.name, env)) {
    throw new Error(`${reason} (required by CHAT_HISTORY_REQUIRE)`);
  }
  return { skip: reason };
}
