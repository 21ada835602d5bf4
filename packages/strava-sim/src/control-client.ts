import axios, { type AxiosInstance, isAxiosError } from 'axios';
import type { ControlAthlete, ControlEvent, ControlShoe } from './control/present.js';
import type {
  BulkCreateActivitiesBody,
  ClockBody,
  CreateActivityBody,
  CreateApplicationBody,
  CreateAthleteBody,
  CreateShoeBody,
  FaultBody,
  IssueTokenBody,
  LimitsBody,
  ProducerSettingsBody,
  SendEventBody,
  SettingsBody,
  UpdateActivityBody,
  UpdateApplicationBody,
  UpdateShoeBody,
} from './control/schemas.js';
import type { FaultRule } from './faults.js';
import type { ProducerSettings } from './producer.js';
import type { RateLimits, RateUsage } from './rate-limit.js';
import type { RequestRecord, SimActivity, SimApplication, SimSettings, SimSubscription } from './state.js';

export type ActivityResult = { activity: SimActivity; events: number[] };
export type IssuedToken = {
  clientId: string;
  athleteId: string;
  scopes: string[];
  access_token: string;
  refresh_token: string;
  expires_at: number;
};
export type ClockView = { now: string; offsetMs: number };
export type LimitsView = { limits: RateLimits; usage: Record<string, RateUsage> };

export type AuthorizeInput = {
  clientId: string;
  redirectUri: string;
  /** Requested scopes (the authorize URL's `scope`). */
  scopes: string[];
  /** Ticked on the consent page; default: all requested. */
  grantedScopes?: string[];
  /** An existing athlete, or create one with this first name. */
  athleteId?: string;
  newAthleteFirstname?: string;
  state?: string;
  deny?: boolean;
};
export type AuthorizeResult = {
  location: string;
  code: string | null;
  scope: string | null;
  state: string | null;
  error: string | null;
};

/** Turns axios's "status code 400" into the control API's own message. */
function describeError(err: unknown): Error {
  if (isAxiosError(err) && err.response) {
    const data: unknown = err.response.data;
    const message =
      data && typeof data === 'object' && 'error' in data
        ? JSON.stringify((data as { error: unknown }).error)
        : JSON.stringify(data);
    return new Error(
      `sim control ${err.config?.method?.toUpperCase()} ${err.config?.url} → ${err.response.status}: ${message}`,
    );
  }
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * A typed client for the simulator's control API, over real HTTP. `baseUrl` is where the
 * simulator is served: `http://127.0.0.1:4100` standalone, `http://localhost:3000/sim` mounted.
 */
export function createSimControl(baseUrl: string) {
  const root = baseUrl.replace(/\/+$/, '');
  const http: AxiosInstance = axios.create({ baseURL: `${root}/control`, timeout: 30_000 });
  http.interceptors.response.use(undefined, (err: unknown) => Promise.reject(describeError(err)));
  const get = async <T>(url: string, params?: Record<string, string>) =>
    (await http.get<T>(url, { params })).data;
  const post = async <T>(url: string, body?: unknown) => (await http.post<T>(url, body ?? {})).data;
  const put = async <T>(url: string, body: unknown) => (await http.put<T>(url, body)).data;
  const patch = async <T>(url: string, body: unknown) => (await http.patch<T>(url, body)).data;
  const del = async <T>(url: string, params?: Record<string, string>) =>
    (await http.delete<T>(url, { params })).data;
  const id = (value: string) => encodeURIComponent(value);

  return {
    urls: { root, oauth: `${root}/oauth`, api: `${root}/api/v3`, control: `${root}/control` },

    listApplications: () => get<SimApplication[]>('/applications'),
    createApplication: (body: CreateApplicationBody = {}) => post<SimApplication>('/applications', body),
    updateApplication: (clientId: string, body: UpdateApplicationBody) =>
      patch<SimApplication>(`/applications/${id(clientId)}`, body),

    listAthletes: () => get<ControlAthlete[]>('/athletes'),
    getAthlete: (athleteId: string) => get<ControlAthlete>(`/athletes/${id(athleteId)}`),
    createAthlete: (body: CreateAthleteBody) => post<ControlAthlete>('/athletes', body),
    createShoe: (athleteId: string, body: CreateShoeBody) =>
      post<ControlShoe>(`/athletes/${id(athleteId)}/shoes`, body),
    updateShoe: (shoeId: string, body: UpdateShoeBody) => patch<ControlShoe>(`/shoes/${id(shoeId)}`, body),
    revokeAccess: (athleteId: string, clientId?: string) =>
      post<{ revoked: string[]; events: number[] }>(
        `/athletes/${id(athleteId)}/revoke`,
        clientId ? { clientId } : {},
      ),
    expireTokens: (athleteId: string, clientId?: string) =>
      post<{ expired: number }>(`/athletes/${id(athleteId)}/expire-tokens`, clientId ? { clientId } : {}),
    issueToken: (body: IssueTokenBody) => post<IssuedToken>('/tokens', body),

    listActivities: (athleteId?: string) =>
      get<SimActivity[]>('/activities', athleteId !== undefined ? { athleteId } : undefined),
    getActivity: (activityId: string) => get<SimActivity>(`/activities/${id(activityId)}`),
    createActivity: (body: CreateActivityBody) => post<ActivityResult>('/activities', body),
    createActivities: (body: BulkCreateActivitiesBody) =>
      post<{ activities: SimActivity[]; events: number[] }>('/activities/bulk', body),
    updateActivity: (activityId: string, body: UpdateActivityBody) =>
      patch<ActivityResult>(`/activities/${id(activityId)}`, body),
    deleteActivity: (activityId: string, options: { notify?: boolean } = {}) =>
      del<ActivityResult>(
        `/activities/${id(activityId)}`,
        options.notify === false ? { notify: 'false' } : undefined,
      ),

    getLimits: () => get<LimitsView>('/limits'),
    setLimits: (body: LimitsBody) => put<LimitsView>('/limits', body),
    resetUsage: () => post<LimitsView>('/limits/reset-usage'),

    listFaults: () => get<FaultRule[]>('/faults'),
    addFault: (body: FaultBody) => post<FaultRule>('/faults', body),
    removeFault: (faultId: string) => del<void>(`/faults/${id(faultId)}`),
    clearFaults: () => del<void>('/faults'),

    getClock: () => get<ClockView>('/clock'),
    setClock: (body: ClockBody) => post<ClockView>('/clock', body),
    advanceClock: (seconds: number) => post<ClockView>('/clock', { advanceSeconds: seconds }),

    getProducer: () => get<{ settings: ProducerSettings; pending: number }>('/producer'),
    configureProducer: (body: ProducerSettingsBody) => put<{ settings: ProducerSettings }>('/producer', body),
    flushEvents: () => post<{ pending: number }>('/producer/flush'),

    listEvents: (status?: string) =>
      get<ControlEvent[]>('/events', status !== undefined ? { status } : undefined),
    clearEvents: () => del<void>('/events'),
    sendEvent: (body: SendEventBody) => post<ControlEvent[]>('/events', body),

    listRequests: (pathPrefix?: string) =>
      get<RequestRecord[]>('/requests', pathPrefix !== undefined ? { path: pathPrefix } : undefined),
    clearRequests: () => del<void>('/requests'),
    listSubscriptions: () => get<Omit<SimSubscription, 'verifyToken'>[]>('/subscriptions'),

    getSettings: () => get<SimSettings>('/settings'),
    setSettings: (body: SettingsBody) => put<SimSettings>('/settings', body),
    reset: () => post<void>('/reset'),

    /**
     * Plays the browser on the consent page: posts the form and returns where Strava would
     * redirect (code, granted scope, state — or error=access_denied).
     */
    async authorize(input: AuthorizeInput): Promise<AuthorizeResult> {
      const form = new URLSearchParams({
        client_id: input.clientId,
        redirect_uri: input.redirectUri,
        response_type: 'code',
        scope: input.scopes.join(','),
        state: input.state ?? '',
        decision: input.deny ? 'deny' : 'approve',
        athlete_id: input.athleteId ?? 'new',
        new_athlete_firstname: input.newAthleteFirstname ?? '',
      });
      for (const scope of input.grantedScopes ?? input.scopes) form.append('scope_granted', scope);
      const res = await axios.post(`${root}/oauth/authorize`, form.toString(), {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        maxRedirects: 0,
        validateStatus: () => true,
      });
      const location = res.headers.location;
      if (res.status !== 302 || typeof location !== 'string') {
        throw new Error(
          `sim authorize → ${res.status}: ${typeof res.data === 'string' ? res.data.slice(0, 300) : JSON.stringify(res.data)}`,
        );
      }
      const params = new URL(location).searchParams;
      return {
        location,
        code: params.get('code'),
        scope: params.get('scope'),
        state: params.get('state'),
        error: params.get('error'),
      };
    },
  };
}

export type SimControl = ReturnType<typeof createSimControl>;
