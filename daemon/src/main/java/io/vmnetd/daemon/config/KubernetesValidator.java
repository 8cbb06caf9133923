package io.vmnetd.daemon.config;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** Validates the {@code kubernetes} section. */
final class KubernetesValidator {

    private static final List<String> KEYS = List.of("nodeName", "kubeconfig", "resyncSeconds");
    // A Node's name is a DNS-1123 subdomain.
    private static final Pattern NODE_NAME =
            Pattern.compile("(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final String NODE_NAME_RULE = "a DNS subdomain: 1..253 of [a-z0-9.-], each dot-separated part "
            + "starting and ending with a letter or digit";
    private static final IntRange RESYNC_SECONDS =
            new IntRange(KubernetesSettings.MIN_RESYNC_SECONDS, KubernetesSettings.MAX_RESYNC_SECONDS);

    private KubernetesValidator() {
    }

    static Optional<KubernetesSettings> validate(MappingFields top) {
        if (!top.has("kubernetes")) {
            return Optional.empty();
        }
        // "kubernetes: {}" turns the mode on with every default.
        return top.mapping("kubernetes", KEYS).map(fields -> new KubernetesSettings(
                fields.matching("nodeName", name -> NODE_NAME.matcher(name).matches(), "node name", NODE_NAME_RULE),
                fields.absolutePath("kubeconfig"),
                fields.integer("resyncSeconds", RESYNC_SECONDS).orElse(KubernetesSettings.DEFAULT_RESYNC_SECONDS)));
    }
}
