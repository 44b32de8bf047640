export interface Cluster {
  url: string;
  stop(): void;
}

export function postgresBinDir(): string | undefined;

export function startCluster(options?: { prefix?: string; settings?: Record<string, string> }): Promise<Cluster>;
