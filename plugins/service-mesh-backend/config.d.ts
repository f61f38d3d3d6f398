export interface Config {
  /**
   * Settings of the service-mesh plugin. Clusters themselves come from
   * `kubernetes.clusterLocatorMethods`, the Kubernetes plugin's config.
   */
  serviceMesh?: {
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
