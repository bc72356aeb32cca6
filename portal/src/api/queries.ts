import type {
  ApiKeyListOut,
  ConnectedAppListOut,
  CreatedApiKeyOut,
  CreatedHookOut,
  CreateApiKeyIn,
  CreateHookIn,
  DeliveryDetailOut,
  DeliveryOut,
  DeliveryStatus,
  EventCatalogOut,
  HookOut,
  HookStatsOut,
  HookTestOut,
  ListOut,
  OverviewStatsOut,
  QueuedOut,
  SigningSecretOut,
  StatsRange,
  UpdateHookIn,
  BotOut,
} from '@nebulahex/shared';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';

const id = encodeURIComponent;
/** How often live lists (deliveries, stats) refresh while a page is open. */
const LIVE_MS = 2_000;

export const keys = {
  hooks: ['hooks'] as const,
  hook: (hookId: string) => ['hooks', hookId] as const,
  deliveries: (hookId: string) => ['deliveries', hookId] as const,
  overview: ['stats', 'overview'] as const,
  apiKeys: ['api-keys'] as const,
  connectedApps: ['connected-apps'] as const,
};

export const useHooks = () => useQuery({ queryKey: keys.hooks, queryFn: () => api.get<ListOut<'hooks', HookOut>>('/hooks?limit=100'), refetchInterval: LIVE_MS * 2 });
export const useHook = (hookId: string) => useQuery({ queryKey: keys.hook(hookId), queryFn: () => api.get<HookOut>(`/hooks/${id(hookId)}`), refetchInterval: LIVE_MS });
export const useOverview = () => useQuery({ queryKey: keys.overview, queryFn: () => api.get<OverviewStatsOut>('/stats/overview'), refetchInterval: LIVE_MS * 2 });
export const useCatalog = () => useQuery({ queryKey: ['catalog'], queryFn: () => api.get<EventCatalogOut>('/triggers/catalog'), staleTime: Infinity });
export const useBots = () => useQuery({ queryKey: ['bots'], queryFn: () => api.get<ListOut<'bots', BotOut>>('/bots?limit=100'), staleTime: 60_000 });
export const useApiKeys = () => useQuery({ queryKey: keys.apiKeys, queryFn: () => api.get<ApiKeyListOut>('/auth/keys') });

export function useHookStats(hookId: string, range: StatsRange) {
  return useQuery({
    queryKey: ['stats', hookId, range],
    queryFn: () => api.get<HookStatsOut>(`/hooks/${id(hookId)}/stats?range=${range}`),
    refetchInterval: LIVE_MS * 2,
    placeholderData: keepPreviousData,
  });
}

export function useDeliveries(hookId: string, status: DeliveryStatus | '', cursor: string | null) {
  const params = new URLSearchParams({ limit: '20', ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) });
  return useQuery({
    queryKey: [...keys.deliveries(hookId), status, cursor],
    queryFn: () => api.get<ListOut<'deliveries', DeliveryOut>>(`/hooks/${id(hookId)}/deliveries?${params}`),
    refetchInterval: LIVE_MS,
    placeholderData: keepPreviousData,
  });
}

export const useDelivery = (deliveryId: string) =>
  useQuery({ queryKey: ['delivery', deliveryId], queryFn: () => api.get<DeliveryDetailOut>(`/deliveries/${id(deliveryId)}`), refetchInterval: LIVE_MS });

/** A mutation that refreshes what it changed. */
function useChange<I, O>(run: (input: I) => Promise<O>, refresh: (input: I) => ReadonlyArray<readonly unknown[]>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: async (_out, input) => {
      await Promise.all(refresh(input).map((queryKey) => client.invalidateQueries({ queryKey })));
    },
  });
}

const hookAndLists = (hookId: string) => [keys.hooks, keys.hook(hookId), keys.deliveries(hookId), ['stats'], ['delivery']];

export const useCreateHook = () => useChange((input: CreateHookIn) => api.post<CreatedHookOut>('/hooks', input), () => [keys.hooks]);
export const useUpdateHook = (hookId: string) => useChange((input: UpdateHookIn) => api.patch<HookOut>(`/hooks/${id(hookId)}`, input), () => hookAndLists(hookId));
export const useDeleteHook = () => useChange((hookId: string) => api.delete(`/hooks/${id(hookId)}`), () => [keys.hooks, keys.overview]);
export const useRotateSecret = (hookId: string) => useChange(() => api.post<SigningSecretOut>(`/hooks/${id(hookId)}/rotate-secret`), () => []);
export const useSendTest = (hookId: string) => useChange(() => api.post<HookTestOut>(`/hooks/${id(hookId)}/test`), () => hookAndLists(hookId));
export const useReplay = (hookId: string) => useChange((deliveryId: string) => api.post<QueuedOut>(`/deliveries/${id(deliveryId)}/replay`), () => hookAndLists(hookId));
export const useRecover = (hookId: string) => useChange((since: string) => api.post<QueuedOut>(`/hooks/${id(hookId)}/recover`, { since }), () => hookAndLists(hookId));
export const useResume = () => useChange((hookId: string) => api.patch<HookOut>(`/hooks/${id(hookId)}`, { paused: false }), (hookId) => [...hookAndLists(hookId), keys.overview]);
export const useCreateApiKey = () => useChange((input: CreateApiKeyIn) => api.post<CreatedApiKeyOut>('/auth/keys', input), () => [keys.apiKeys]);
export const useConnectedApps = () => useQuery({ queryKey: keys.connectedApps, queryFn: () => api.get<ConnectedAppListOut>('/auth/connected-apps') });
export const useDisconnectApp = () => useChange((appId: string) => api.delete(`/auth/connected-apps/${id(appId)}`), () => [keys.connectedApps]);
export const useRevokeApiKey = () => useChange((keyId: string) => api.delete(`/auth/keys/${id(keyId)}`), () => [keys.apiKeys]);
