export interface Config {
  /**
   * Settings of the service-mesh plugin. Clusters themselves come from
   * `kubernetes.clusterLocatorMethods`, the Kubernetes plugin's config.
   */
  serviceMesh?: {
    /**
     * Data older than this many seconds is reported stale (`stale: true`,
     * `staleSince`) on the card and tab, and the restart action refuses to
     * act on it (503). A watch that delivers no event or bookmark for this
     * long is restarted with a relist. kube-apiserver sends a bookmark about
     * once a minute, so keep it above 60. Default 120.
     */
    staleAfterSeconds?: number;
    /** How the backend calls the clusters' API servers. */
    kubernetesRequests?: {
      /** Every call is aborted after this many seconds; a timed-out write is re-read before any retry. Default 10. */
      timeoutSeconds?: number;
      /** Calls in flight per cluster from actions, at most; the others wait their turn. Default 10. */
      maxInFlightPerCluster?: number;
      /**
       * Calls answered 429 or 5xx, or refused, are retried with jittered
       * exponential backoff (or the server's Retry-After) within this
       * budget; then the action fails with 503 and a Retry-After header.
       */
      retry?: {
        /** Tries in all, the first included. Default 5. */
        maxAttempts?: number;
        /** No retry starts later than this many seconds after the first try. Default 10. */
        budgetSeconds?: number;
      };
    };
    /** Per cluster, keyed by the cluster name used in the Kubernetes config. */
    clusters?: {
      [clusterName: string]: {
        /** Kiali base URL; discovered from the control plane's Routes/Ingresses when absent. */
        kiali?: { url: string };
        /** Jaeger query base URL. */
        jaeger?: { url: string };
        /** Grafana base URL. */
        grafana?: { url: string };
        /**
         * OpenShift Service Mesh 2: enroll by editing the shared
         * ServiceMeshMemberRoll (`memberRoll`, the default) or by creating a
         * ServiceMeshMember in the namespace (`member`).
         */
        enrollment?: 'memberRoll' | 'member';
      };
    };
  };
}
