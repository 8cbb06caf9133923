package io.vmnetd.daemon.cluster;

import io.vmnetd.daemon.config.Config;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Finds the {@link NetworkSource.Provider} for a config section, only when the config has that section: on the
 * daemon's class path (tests, or a {@code -cp} that names the module), else in the module's jar beside the daemon's
 * ({@code vmnetd-kube.jar} next to {@code vmnetd.jar}), loaded then and not before. Without the section nothing of a
 * module is opened, so it costs no start time and no memory.
 */
public final class NetworkSources {
    private static final Logger LOG = Logger.getLogger(NetworkSources.class.getName());
    /** Overrides where the Kubernetes module's jar is (tests). */
    public static final String KUBE_JAR_PROPERTY = "vmnetd.kube.jar";
    public static final String KUBE_JAR = "vmnetd-kube.jar";
    public static final String KUBERNETES = "kubernetes";

    private NetworkSources() {}

    /** The source for the config's {@code kubernetes} section, not started. */
    public static NetworkSource openKubernetes(Config config) throws Exception {
        return provider(KUBERNETES, () -> kubeJar()).open(config);
    }

    interface JarLocation {
        Path get() throws IOException;
    }

    static NetworkSource.Provider provider(String section, JarLocation jar) throws IOException {
        ClassLoader own = NetworkSources.class.getClassLoader();
        Optional<NetworkSource.Provider> found = find(own, section);
        if (found.isPresent()) {
            return found.get();
        }
        Path path = jar.get();
        if (!Files.isRegularFile(path)) {
            throw new IOException("the config's " + section + " section needs " + path
                    + ", which does not exist; install it beside vmnetd.jar or remove the section");
        }
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(path);
        if (mode.contains(PosixFilePermission.GROUP_WRITE) || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IOException(path + " is writable by its group or by others; the daemon runs its code as root, "
                    + "so it must be writable by its owner only (chmod go-w)");
        }
        LOG.info("loading the " + section + " module from " + path);
        // Never closed: the module's classes serve until the daemon exits.
        @SuppressWarnings("resource")
        URLClassLoader loader = new URLClassLoader(new URL[] {path.toUri().toURL()}, own);
        return find(loader, section).orElseThrow(() -> new IOException(path + " has no provider for the "
                + section + " section"));
    }

    private static Optional<NetworkSource.Provider> find(ClassLoader loader, String section) {
        for (NetworkSource.Provider p : ServiceLoader.load(NetworkSource.Provider.class, loader)) {
            if (p.section().equals(section)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** {@value #KUBE_JAR} in the directory of the daemon's own jar, unless {@value #KUBE_JAR_PROPERTY} says where. */
    static Path kubeJar() throws IOException {
        String override = System.getProperty(KUBE_JAR_PROPERTY);
        if (override != null) {
            return Path.of(override).toAbsolutePath();
        }
        try {
            Path own = Path.of(NetworkSources.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return own.toAbsolutePath().getParent().resolve(KUBE_JAR);
        } catch (URISyntaxException | NullPointerException | SecurityException e) {
            throw new IOException("cannot tell where vmnetd.jar is, to find " + KUBE_JAR + " beside it: " + e, e);
        }
    }
}
