package io.vmnetd.kube;

import static io.vmnetd.kube.testing.ClusterObjects.clusterNetwork;
import static io.vmnetd.kube.testing.ClusterObjects.vlanConfig;
import static io.vmnetd.kube.testing.ClusterObjects.vlanNad;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.vmnetd.daemon.config.ConfigLoader;
import io.vmnetd.daemon.config.KubernetesSettings;
import io.vmnetd.kube.crd.ClusterNetwork;
import io.vmnetd.kube.crd.Condition;
import io.vmnetd.kube.crd.NetworkAttachmentDefinition;
import io.vmnetd.kube.crd.VlanConfig;
import io.vmnetd.kube.crd.VlanStatus;
import io.vmnetd.kube.testing.Await;
import io.vmnetd.kube.testing.FakeHost;
import io.vmnetd.kube.testing.MockApiServer;
import java.io.InputStream;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy/ against the code: the schemas hold every field vmnetd writes, RBAC grants exactly the verbs it uses. */
class DeployManifestsTest {
    static final Path DEPLOY = Path.of("..", "deploy");

    static List<HasMetadata> load(String file) throws Exception {
        try (KubernetesClient offline = new KubernetesClientBuilder().withConfig(Config.empty())
                .withHttpClientFactory(new JdkHttpClientFactory()).build();
             InputStream in = Files.newInputStream(DEPLOY.resolve(file))) {
            return offline.load(in).items();
        }
    }

    static <T> T only(List<HasMetadata> items, Class<T> type, String name) {
        return items.stream().filter(type::isInstance).filter(i -> i.getMetadata().getName().equals(name))
                .map(type::cast).findFirst().orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
    }

    @Test
    void theCrdSchemasHoldEveryFieldVmnetdReadsOrWrites() throws Exception {
        List<HasMetadata> crds = load("crds.yaml");
        assertThat(crds).extracting(c -> c.getMetadata().getName()).containsExactly(
                "clusternetworks.network.harvesterhci.io", "vlanconfigs.network.harvesterhci.io",
                "vlanstatuses.network.harvesterhci.io", "network-attachment-definitions.k8s.cni.cncf.io");
        assertCovers(schema(crds, "vlanconfigs.network.harvesterhci.io").getProperties().get("spec"),
                VlanConfig.Spec.class);
        assertCovers(schema(crds, "vlanstatuses.network.harvesterhci.io").getProperties().get("status"),
                VlanStatus.Status.class);
        assertCovers(schema(crds, "network-attachment-definitions.k8s.cni.cncf.io").getProperties().get("spec"),
                NetworkAttachmentDefinition.Spec.class);
        CustomResourceDefinition vs = only(crds, CustomResourceDefinition.class, "vlanstatuses.network.harvesterhci.io");
        assertThat(vs.getSpec().getScope()).isEqualTo("Cluster");
        assertThat(vs.getSpec().getVersions().get(0).getSubresources()).as("written whole, as in Harvester").isNull();
        assertThat(only(crds, CustomResourceDefinition.class, "network-attachment-definitions.k8s.cni.cncf.io")
                .getSpec().getScope()).isEqualTo("Namespaced");
    }

    static JSONSchemaProps schema(List<HasMetadata> crds, String name) {
        return only(crds, CustomResourceDefinition.class, name).getSpec().getVersions().get(0).getSchema()
                .getOpenAPIV3Schema();
    }

    /** Every component of {@code record} (and of the records inside it) has a property in {@code schema}. */
    static void assertCovers(JSONSchemaProps schema, Class<?> record) {
        for (RecordComponent c : record.getRecordComponents()) {
            JSONSchemaProps p = schema.getProperties().get(c.getName());
            assertThat(p).as("%s.%s in the schema", record.getSimpleName(), c.getName()).isNotNull();
            Type t = c.getGenericType();
            if (t instanceof Class<?> k && k.isRecord()) {
                assertCovers(p, k);
            } else if (t instanceof ParameterizedType pt && pt.getRawType() == List.class
                    && pt.getActualTypeArguments()[0] instanceof Class<?> item && item.isRecord()) {
                assertCovers(p.getItems().getSchema(), item);
            }
        }
    }

    @Test
    void rbacGrantsExactlyTheVerbsANodeUses(@TempDir Path stateDir) throws Exception {
        Set<String> granted = new TreeSet<>();
        for (var rule : only(load("rbac.yaml"), ClusterRole.class, "vmnetd").getRules()) {
            for (String g : rule.getApiGroups()) {
                for (String r : rule.getResources()) {
                    for (String v : rule.getVerbs()) {
                        granted.add(g + "/" + r + " " + v);
                    }
                }
            }
        }
        try (MockApiServer api = MockApiServer.local(); KubernetesClient kube = api.client()) {
            kube.nodes().resource(new NodeBuilder().withNewMetadata().withName("n1").addToLabels("rack", "a")
                    .endMetadata().build()).create();
            kube.resources(ClusterNetwork.class).resource(clusterNetwork("data")).create();
            kube.resources(VlanConfig.class).resource(vlanConfig("data-a", "data", Map.of("rack", "a"), "eth1"))
                    .create();
            kube.resources(NetworkAttachmentDefinition.class).resource(vlanNad("default", "vlan100", "data", 100))
                    .create();
            KubeNetworkSource source = new KubeNetworkSource("n1", stateDir, 30, () -> Clients.create(api.config()));
            try {
                source.start(new FakeHost());
                Await.until("labelled", Duration.ofSeconds(60), () -> "true".equals(
                        kube.nodes().withName("n1").get().getMetadata().getLabels().get("network.harvesterhci.io/data")));
                // A new VM network: the status is patched.
                kube.resources(NetworkAttachmentDefinition.class).resource(vlanNad("default", "vlan200", "data", 200))
                        .create();
                Await.until("status patched", Duration.ofSeconds(60), () -> kube.resources(VlanStatus.class)
                        .withName("data-n1").get().getStatus().vmNetworks().size() == 2);
                // Out of the VlanConfig: the status is deleted and the label removed.
                kube.nodes().withName("n1").edit(n -> new NodeBuilder(n).editMetadata().addToLabels("rack", "b")
                        .endMetadata().build());
                Await.until("status deleted", Duration.ofSeconds(60),
                        () -> kube.resources(VlanStatus.class).withName("data-n1").get() == null);
                Await.until("label removed", Duration.ofSeconds(60), () -> !kube.nodes().withName("n1").get()
                        .getMetadata().getLabels().containsKey("network.harvesterhci.io/data"));
            } finally {
                source.close();
            }
            Set<String> used = api.takeRequests().stream().filter(r -> !r.byTest())
                    .map(r -> r.group() + "/" + r.resource() + " " + r.verb()).collect(Collectors.toCollection(TreeSet::new));
            assertThat(used).as("what a node did").isEqualTo(granted);
        }
    }

    @Test
    void theDaemonSetRunsTheDaemonAsTheSystemdUnitDoesWithTheHostPathsItNeeds() throws Exception {
        List<HasMetadata> items = load("daemonset.yaml");
        DaemonSet ds = only(items, DaemonSet.class, "vmnetd");
        var pod = ds.getSpec().getTemplate().getSpec();
        assertThat(pod.getHostNetwork()).isTrue();
        assertThat(pod.getHostPID()).isTrue();
        assertThat(pod.getServiceAccountName()).isEqualTo("vmnetd");

        Container vmnetd = pod.getContainers().get(0);
        String unit = Files.readString(Path.of("..", "systemd", "vmnetd.service"));
        List<String> unitCaps = Arrays.stream(unit.lines().filter(l -> l.startsWith("CapabilityBoundingSet="))
                .findFirst().orElseThrow().substring("CapabilityBoundingSet=".length()).split(" "))
                .map(c -> c.replace("CAP_", "")).toList();
        assertThat(vmnetd.getSecurityContext().getCapabilities().getAdd()).containsExactlyInAnyOrderElementsOf(unitCaps);
        assertThat(vmnetd.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(vmnetd.getSecurityContext().getPrivileged()).isNotEqualTo(Boolean.TRUE);
        assertThat(vmnetd.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo(KubernetesSettings.NODE_NAME_ENV);
            assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("spec.nodeName");
        });
        Map<String, String> hostPaths = pod.getVolumes().stream().filter(v -> v.getHostPath() != null)
                .collect(Collectors.toMap(Volume::getName, v -> v.getHostPath().getPath()));
        Map<String, String> mounts = vmnetd.getVolumeMounts().stream().filter(m -> hostPaths.containsKey(m.getName()))
                .collect(Collectors.toMap(m -> hostPaths.get(m.getName()), m -> m.getMountPath()));
        assertThat(mounts).containsEntry("/run/netns", "/run/netns").containsEntry("/var/lib/vmnetd", "/var/lib/vmnetd")
                .containsEntry("/run/vmnetd", "/run/vmnetd").containsEntry("/opt/cni/bin", "/opt/cni/bin");
        assertThat(vmnetd.getVolumeMounts()).filteredOn(m -> m.getMountPath().equals("/run/netns"))
                .singleElement().satisfies(m -> assertThat(m.getMountPropagation()).isEqualTo("HostToContainer"));

        Container install = pod.getInitContainers().get(0);
        assertThat(String.join(" ", install.getCommand())).contains("/host/opt/cni/bin/vmnet");
        assertThat(install.getVolumeMounts()).anySatisfy(m -> assertThat(hostPaths.get(m.getName()))
                .isEqualTo("/opt/cni/bin"));

        String yaml = only(items, ConfigMap.class, "vmnetd").getData().get("vmnetd.yaml");
        io.vmnetd.daemon.config.Config config = ConfigLoader.parse(yaml, "deploy/daemonset.yaml");
        assertThat(config.kubernetes()).contains(KubernetesSettings.defaults());
        assertThat(config.stateDir()).isEqualTo(Path.of("/var/lib/vmnetd"));
        assertThat(config.socket()).isEqualTo(Path.of("/run/vmnetd/vmnetd.sock"));
    }

    @Test
    void conditionTypesAreTheOnesThePrinterColumnsRead() throws Exception {
        CustomResourceDefinition vs = only(load("crds.yaml"), CustomResourceDefinition.class,
                "vlanstatuses.network.harvesterhci.io");
        String columns = vs.getSpec().getVersions().get(0).getAdditionalPrinterColumns().toString();
        assertThat(columns).contains("@.type==\"ready\"", "@.type==\"configured\"");
        assertThat(Condition.class.getRecordComponents()).isNotEmpty();
    }
}
