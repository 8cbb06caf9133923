package io.vmnetd.daemon.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Which settings a config document names at all, whatever their values: "socket", "cni.ipamDirs"... */
final class ConfigDocument {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ConfigDocument() {}

    /** The top-level keys, and for the mappings among them ("cni", "metrics") their keys as "cni.ipamDirs". */
    static List<String> keyPaths(String yaml) {
        List<String> out = new ArrayList<>();
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (IOException e) {
            return out; // validation reports it, with its location
        }
        if (root == null || !root.isObject()) {
            return out;
        }
        for (Iterator<String> keys = root.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            out.add(key);
            JsonNode value = root.get(key);
            if (value.isObject()) {
                value.fieldNames().forEachRemaining(sub -> out.add(key + "." + sub));
            }
        }
        return out;
    }
}
