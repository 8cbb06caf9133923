package io.vmnetd.cli.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The YAML output, read back by an independent YAML parser, is the same tree as the JSON output. */
class YamlWriterTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void stringsThatLookLikeOtherTypesStayStrings() throws Exception {
        List<String> tricky = List.of("yes", "No", "on", "null", "~", "true", "100", "1.5", "0x10", "2026-01-01T00:00:00Z",
                "100,200-299", "a: b", "ends:", "# comment", "- dash", "key #x", "", " lead", "trail ", "'q'", "\"dq\"",
                "multi\nline", "tab\there", "@at", "*star", "&amp", "!tag", "%pct", "{brace}", "[br]", ".inf", "-.Inf",
                "10.0.100.11/24", "data: set VLANs of data-bo: add 100", "caf\u00e9", "ctl\u0007");
        Map<String, Object> tree = new LinkedHashMap<>();
        for (int i = 0; i < tricky.size(); i++) {
            tree.put("k" + i, tricky.get(i));
        }
        tree.put("yes", "key that looks like a bool");
        assertSameTree(tree);
    }

    @Test
    void nestedCollectionsNumbersAndNulls() throws Exception {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("version", "0.1.0-SNAPSHOT");
        status.put("ready", true);
        status.put("uptimeSeconds", 12L);
        status.put("lastReconcile", Map.of("applied", List.of("data: create bridge data-br"), "problems", List.of()));
        status.put("empty", Map.of());
        status.put("none", null);
        status.put("listOfLists", List.of(List.of(1L, 2L), List.of(), List.of(List.of("deep"))));
        status.put("listOfMaps", List.of(Map.of("name", "data", "vlans", List.of(Map.of("vids", "1", "pvid", true))),
                Map.of("name", "vm", "vlans", List.of())));
        assertSameTree(status);
        assertSameTree(List.of(Map.of("a", 1L), Map.of("b", Arrays.asList(null, "x"))));
        assertSameTree(List.of());
        assertSameTree(Map.of());
        assertSameTree("just a string");
    }

    @Test
    void readsLikeKubectlYaml() {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("name", "data");
        tree.put("nics", List.of("eth1", "eth2"));
        tree.put("vmNetworks", List.of(Map.of("name", "vlan100")));
        assertThat(YamlWriter.write(tree)).isEqualTo("name: data\nnics:\n  - eth1\n  - eth2\nvmNetworks:\n  - name: vlan100\n");
    }

    private static void assertSameTree(Object tree) throws Exception {
        String yaml = YamlWriter.write(tree);
        JsonNode fromYaml = YAML.readTree(yaml);
        JsonNode fromJson = JSON.readTree(JsonWriter.write(tree));
        assertThat(fromYaml).as(yaml).isEqualTo(fromJson);
    }
}
