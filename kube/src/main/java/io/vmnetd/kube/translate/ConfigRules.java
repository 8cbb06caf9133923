package io.vmnetd.kube.translate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vmnetd.daemon.config.Config;
import io.vmnetd.daemon.config.ConfigException;
import io.vmnetd.daemon.config.ConfigLoader;
import io.vmnetd.daemon.config.ConfigProblem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a cluster object with the very rules the config file goes through: the object is written as the config
 * document that would declare the same network (JSON, which is YAML) and loaded; each problem's field, and any field
 * its message names, is then named as the object names it. So a VlanConfig is valid exactly when the same uplink
 * written in the file would be.
 */
final class ConfigRules {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A config field named inside a message, e.g. "change clusterNetworks[0].uplink.bond.mode". */
    private static final Pattern FIELD_IN_MESSAGE = Pattern.compile(
            "(?:clusterNetworks|vmNetworks|hostNetworks)\\[\\d+\\](?:\\.[A-Za-z]+|\\[\\d+\\])*");

    /** A config, or the problems of the object it came from. */
    sealed interface Result permits Valid, Invalid {}

    record Valid(Config config) implements Result {}

    record Invalid(List<String> problems) implements Result {}

    private ConfigRules() {}

    /**
     * @param document a config document (clusterNetworks, vmNetworks)
     * @param fieldNames config field prefixes and the object's names for them, longest first
     */
    static Result check(Map<String, Object> document, List<Map.Entry<String, String>> fieldNames) {
        String text;
        try {
            text = JSON.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        try {
            return new Valid(ConfigLoader.parse(text, "cluster object"));
        } catch (ConfigException e) {
            List<String> problems = new ArrayList<>();
            for (ConfigProblem p : e.problems()) {
                problems.add(rename(p.field(), fieldNames) + ": " + renameWithin(p.message(), fieldNames));
            }
            return new Invalid(problems);
        }
    }

    private static String renameWithin(String message, List<Map.Entry<String, String>> fieldNames) {
        Matcher m = FIELD_IN_MESSAGE.matcher(message);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(rename(m.group(), fieldNames)));
        }
        return m.appendTail(out).toString();
    }

    private static String rename(String field, List<Map.Entry<String, String>> fieldNames) {
        for (Map.Entry<String, String> e : fieldNames) {
            if (field.equals(e.getKey()) || field.startsWith(e.getKey() + ".") || field.startsWith(e.getKey() + "[")) {
                return e.getValue() + field.substring(e.getKey().length());
            }
        }
        return field;
    }
}
