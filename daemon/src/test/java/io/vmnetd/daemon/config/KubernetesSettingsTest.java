package io.vmnetd.daemon.config;

import static io.vmnetd.daemon.config.ConfigProblemsAssert.assertOnlyProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KubernetesSettingsTest {

    @Test
    void offWithoutTheSection() throws ConfigException {
        assertThat(ConfigLoader.parse("logLevel: info\n", "t").kubernetes()).isEmpty();
        assertThat(ConfigLoader.parse("kubernetes:\n", "t").kubernetes()).as("an empty value is absent").isEmpty();
    }

    @Test
    void anEmptyMappingTurnsItOnWithDefaults() throws ConfigException {
        assertThat(ConfigLoader.parse("kubernetes: {}\n", "t").kubernetes()).contains(KubernetesSettings.defaults());
    }

    @Test
    void everyKey() throws ConfigException {
        Config c = ConfigLoader.parse("""
                kubernetes:
                  nodeName: node-1.example
                  kubeconfig: /etc/vmnetd/kubeconfig
                  resyncSeconds: 120
                """, "t");
        assertThat(c.kubernetes()).contains(new KubernetesSettings(Optional.of("node-1.example"),
                Optional.of(Path.of("/etc/vmnetd/kubeconfig")), 120));
        assertThat(c.kubernetes().get().resolvedNodeName()).isEqualTo("node-1.example");
    }

    @Test
    void badValuesNameTheFieldAndWhatIsAllowed() {
        assertOnlyProblem("kubernetes: {nodeName: Node_1}\n", "kubernetes.nodeName", 1,
                "invalid node name \"Node_1\"; allowed: a DNS subdomain");
        assertOnlyProblem("kubernetes: {kubeconfig: kube.conf}\n", "kubernetes.kubeconfig", 1,
                "expected an absolute path");
        assertOnlyProblem("kubernetes: {resyncSeconds: 5}\n", "kubernetes.resyncSeconds", 1,
                "out of range: 5; allowed: 30..86400");
        assertOnlyProblem("kubernetes: {node: a}\n", "kubernetes.node", 1,
                "unknown field; allowed: nodeName, kubeconfig, resyncSeconds");
    }

    @Test
    void theHostNameIsTheDefaultNodeName() {
        String name = KubernetesSettings.defaults().resolvedNodeName();
        assertThat(name).isNotBlank().isEqualTo(name.toLowerCase(java.util.Locale.ROOT));
    }
}
