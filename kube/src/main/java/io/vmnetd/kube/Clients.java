package io.vmnetd.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.vmnetd.daemon.config.KubernetesSettings;

/** The API client: the JDK's HTTP client, and no retries of its own (the watches and the status writer back off). */
final class Clients {
    private Clients() {}

    static KubernetesClient create(KubernetesSettings settings) {
        // Without a kubeconfig: the pod's service account (in-cluster), else $KUBECONFIG or ~/.kube/config.
        Config config = settings.kubeconfig().map(path -> Config.fromKubeconfig(path.toFile()))
                .orElseGet(() -> Config.autoConfigure(null));
        return create(config);
    }

    static KubernetesClient create(Config config) {
        // A watch that ends is handed to ListWatch at once, which resumes it with a jittered backoff.
        config.setWatchReconnectLimit(0);
        config.setRequestRetryBackoffLimit(0);
        config.setConnectionTimeout(10_000);
        // A list of every NetworkAttachmentDefinition from a busy API server may take a while; a watch is not bound
        // by this (its server-side timeout ends it).
        config.setRequestTimeout(60_000);
        return new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(new JdkHttpClientFactory()).build();
    }
}
