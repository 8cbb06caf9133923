package io.vmnetd.cli.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    private static final ObjectMapper JACKSON = new ObjectMapper();

    @Test
    void readsEveryKindOfValueKeepingMemberOrder() {
        Object v = Json.parse(" {\"b\": [1, -2, 3.5, 1e3, true, false, null], \"a\": {\"s\": \"x\\\"y\\\\\\n\\u00e9\\/\"},"
                + " \"empty\": {}, \"none\": []} ");
        Map<String, Object> m = Values.map(v);
        assertThat(m.keySet()).containsExactly("b", "a", "empty", "none");
        assertThat(Values.list(m.get("b"))).containsExactly(1L, -2L, new BigDecimal("3.5"), new BigDecimal("1e3"), true,
                false, null);
        assertThat(Values.map(m.get("a")).get("s")).isEqualTo("x\"y\\\n\u00e9/");
        assertThat(Values.map(m.get("empty"))).isEmpty();
        assertThat(Values.list(m.get("none"))).isEmpty();
    }

    @Test
    void refusesWhatIsNotOneValue() {
        for (String bad : List.of("", "{", "[1,]", "{\"a\" 1}", "\"open", "tru", "1 2", "{\"a\":1}}", "\"\\x\"")) {
            assertThatThrownBy(() -> Json.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("bad JSON at offset");
        }
    }

    @Test
    void writesWhatJacksonReadsAsTheSameTree() throws Exception {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("name", "data \"quoted\" \\ and\ttab\u0001");
        tree.put("n", 42L);
        tree.put("list", Arrays.asList(1L, "two", null, true, Map.of(), List.of()));
        tree.put("nested", Map.of("k", List.of(Map.of("x", 1L))));
        String text = JsonWriter.write(tree);
        assertThat(text).endsWith("}\n").contains("\n  \"n\": 42,\n");
        assertThat(JACKSON.readTree(text)).isEqualTo(JACKSON.readTree(JACKSON.writeValueAsString(tree)));
        assertThat(Json.parse(text)).isEqualTo(tree);
    }
}
