package io.vmnetd.kube.translate;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Names VM networks after their NetworkAttachmentDefinitions: {@code <namespace>-<name>} when that is a valid VM
 * network name (1..63 of [a-z0-9-]) and no other definition gets the same, else a shortened form with a hash of
 * {@code namespace/name}, so every definition has its own stable name.
 */
final class VmNetworkNames {
    private static final Pattern VALID = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final int HASH_CHARS = 8;

    private VmNetworkNames() {}

    /** A name for each {@code namespace/name} key. */
    static Map<String, String> of(Collection<String> nadKeys) {
        Map<String, Integer> plainUses = new HashMap<>();
        for (String key : nadKeys) {
            plainUses.merge(plain(key), 1, Integer::sum);
        }
        Map<String, String> out = new HashMap<>();
        for (String key : nadKeys) {
            String plain = plain(key);
            out.put(key, VALID.matcher(plain).matches() && plainUses.get(plain) == 1 ? plain : hashed(key));
        }
        return out;
    }

    private static String plain(String key) {
        return key.replace('/', '-');
    }

    private static String hashed(String key) {
        String cleaned = key.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        String prefix = cleaned.substring(0, Math.min(cleaned.length(), 63 - HASH_CHARS - 1));
        return (prefix.isEmpty() ? "nad" : prefix.replaceAll("-+$", "")) + "-" + hash(key);
    }

    private static String hash(String key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d).substring(0, HASH_CHARS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
