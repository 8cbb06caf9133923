package io.vmnetd.daemon.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The daemon's whole configuration, as read from {@code /etc/vmnetd/vmnetd.yaml}. Instances made by
 * {@link ConfigLoader} are fully validated: names are unique, references resolve, VIDs do not clash.
 *
 * @param socket the API's unix socket
 * @param socketGroup the group that, besides root, may read through the API socket
 * @param adminGroup a group whose members may also change the node through the API (POST); empty: root only
 * @param stateDir where the daemon keeps its state across restarts
 * @param logLevel one of {@link #LOG_LEVELS}
 * @param resyncSeconds period of the full resync against the kernel
 * @param cni how IPAM plugins run and attachments are reclaimed
 * @param metricsListen an extra TCP listener for {@code /metrics}; the socket always serves it
 * @param api the API socket's connection caps and CNI workers
 * @param connectivity how VM networks with a route are checked
 * @param kubernetes Kubernetes mode, off when empty
 * @param hostNetworks the node's own addresses on VLANs of cluster networks
 */
public record Config(
        Path socket,
        String socketGroup,
        Optional<String> adminGroup,
        Path stateDir,
        String logLevel,
        int resyncSeconds,
        CniSettings cni,
        Optional<HostPort> metricsListen,
        ApiSettings api,
        List<ClusterNetwork> clusterNetworks,
        List<VmNetwork> vmNetworks,
        ConnectivitySettings connectivity,
        Optional<KubernetesSettings> kubernetes,
        List<HostNetwork> hostNetworks) {

    public static final Path DEFAULT_FILE = Path.of("/etc/vmnetd/vmnetd.yaml");
    public static final Path DEFAULT_SOCKET = Path.of("/run/vmnetd/vmnetd.sock");
    public static final String DEFAULT_SOCKET_GROUP = "root";
    public static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/vmnetd");
    public static final List<String> LOG_LEVELS = List.of("error", "warn", "info", "debug");
    public static final String DEFAULT_LOG_LEVEL = "info";
    public static final int DEFAULT_RESYNC_SECONDS = 60;
    public static final int MIN_RESYNC_SECONDS = 5;
    public static final int MAX_RESYNC_SECONDS = 3600;

    public Config {
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(socketGroup, "socketGroup");
        Objects.requireNonNull(adminGroup, "adminGroup");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(logLevel, "logLevel");
        Objects.requireNonNull(cni, "cni");
        Objects.requireNonNull(metricsListen, "metricsListen");
        Objects.requireNonNull(api, "api");
        clusterNetworks = List.copyOf(clusterNetworks);
        vmNetworks = List.copyOf(vmNetworks);
        Objects.requireNonNull(connectivity, "connectivity");
        Objects.requireNonNull(kubernetes, "kubernetes");
        hostNetworks = List.copyOf(hostNetworks);
    }

    /** A config without host networks. */
    public Config(Path socket, String socketGroup, Optional<String> adminGroup, Path stateDir, String logLevel,
                  int resyncSeconds, CniSettings cni, Optional<HostPort> metricsListen, ApiSettings api,
                  List<ClusterNetwork> clusterNetworks, List<VmNetwork> vmNetworks,
                  ConnectivitySettings connectivity, Optional<KubernetesSettings> kubernetes) {
        this(socket, socketGroup, adminGroup, stateDir, logLevel, resyncSeconds, cni, metricsListen, api,
                clusterNetworks, vmNetworks, connectivity, kubernetes, List.of());
    }

    /** A config without Kubernetes mode and host networks. */
    public Config(Path socket, String socketGroup, Optional<String> adminGroup, Path stateDir, String logLevel,
                  int resyncSeconds, CniSettings cni, Optional<HostPort> metricsListen, ApiSettings api,
                  List<ClusterNetwork> clusterNetworks, List<VmNetwork> vmNetworks,
                  ConnectivitySettings connectivity) {
        this(socket, socketGroup, adminGroup, stateDir, logLevel, resyncSeconds, cni, metricsListen, api,
                clusterNetworks, vmNetworks, connectivity, Optional.empty());
    }

    /** A config with the default API limits and connectivity settings, without Kubernetes mode. */
    public Config(Path socket, String socketGroup, Optional<String> adminGroup, Path stateDir, String logLevel,
                  int resyncSeconds, CniSettings cni, Optional<HostPort> metricsListen,
                  List<ClusterNetwork> clusterNetworks, List<VmNetwork> vmNetworks) {
        this(socket, socketGroup, adminGroup, stateDir, logLevel, resyncSeconds, cni, metricsListen,
                ApiSettings.defaults(), clusterNetworks, vmNetworks, ConnectivitySettings.defaults());
    }

    /** This config with other networks (e.g. the file's plus those of a cluster), every setting kept. */
    public Config withNetworks(List<ClusterNetwork> clusterNetworks, List<VmNetwork> vmNetworks) {
        return new Config(socket, socketGroup, adminGroup, stateDir, logLevel, resyncSeconds, cni, metricsListen, api,
                clusterNetworks, vmNetworks, connectivity, kubernetes, hostNetworks);
    }

    /** What an empty file means: every default and no networks. */
    public static Config defaults() {
        return new Config(DEFAULT_SOCKET, DEFAULT_SOCKET_GROUP, Optional.empty(), DEFAULT_STATE_DIR, DEFAULT_LOG_LEVEL,
                DEFAULT_RESYNC_SECONDS, CniSettings.defaults(), Optional.empty(), List.of(), List.of());
    }

    /** The only directories IPAM plugins run from. */
    public List<Path> ipamDirs() {
        return cni.ipamDirs();
    }

    /** A declared cluster network; always empty for the built-in {@value ClusterNetwork#MGMT}. */
    public Optional<ClusterNetwork> clusterNetwork(String name) {
        return clusterNetworks.stream().filter(network -> network.name().equals(name)).findFirst();
    }

    public Optional<VmNetwork> vmNetwork(String name) {
        return vmNetworks.stream().filter(network -> network.name().equals(name)).findFirst();
    }

    /** The VM networks whose connectivity is checked: those with a route. */
    public List<VmNetwork> routedVmNetworks() {
        return vmNetworks.stream().filter(network -> network.route().isPresent()).toList();
    }

    /** The host networks on a cluster network (which may be {@value ClusterNetwork#MGMT}), in file order. */
    public List<HostNetwork> hostNetworksOf(String clusterNetwork) {
        return hostNetworks.stream().filter(network -> network.clusterNetwork().equals(clusterNetwork)).toList();
    }

    /** The VM networks carried by a cluster network (which may be {@value ClusterNetwork#MGMT}), in file order. */
    public List<VmNetwork> vmNetworksOf(String clusterNetwork) {
        return vmNetworks.stream().filter(network -> network.clusterNetwork().equals(clusterNetwork)).toList();
    }
}
