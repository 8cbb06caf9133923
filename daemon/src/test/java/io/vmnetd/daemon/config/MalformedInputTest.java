package io.vmnetd.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Whatever the text, loading either yields a config or a ConfigException: nothing else may escape. */
class MalformedInputTest {

    private static final List<String> ODD_VALUES = List.of("", "~", "[]", "{}", "-1", "0", "99999999999999999999",
            "1.5", "true", "x y", "\"\"", "0x10", "/", "::", "[a, {b: c}]", "{min: 5}", "&a 1", "*a", "'", "\"\\q\"",
            "mgmt", "data-br", "eth1", "L2VlanTrunkNetwork", "manual", "- x", ": :", "\t");

    @Test
    void randomlyMangledExamplesNeverEscapeAsAnythingButConfigException() {
        Random random = new Random(20240611);
        String[] lines = ConfigLoaderTest.EXAMPLE.split("\n");
        for (int round = 0; round < 1000; round++) {
            String text = mangle(lines.clone(), random);
            try {
                ConfigLoader.parse(text, "fuzz");
            } catch (ConfigException e) {
                assertThat(e.problems()).allSatisfy(problem -> assertThat(problem.line()).isPositive());
            } catch (RuntimeException e) {
                fail("unexpected " + e + " for:\n" + text, e);
            }
        }
    }

    @Test
    void aByteOrderMarkIsIgnored() throws ConfigException {
        assertThat(ConfigLoader.parse("\uFEFFlogLevel: debug\n", "bom").logLevel()).isEqualTo("debug");
    }

    private static String mangle(String[] lines, Random random) {
        int edits = 1 + random.nextInt(3);
        for (int edit = 0; edit < edits; edit++) {
            int line = random.nextInt(lines.length);
            String original = lines[line];
            int colon = original.indexOf(": ");
            lines[line] = switch (random.nextInt(4)) {
                case 0 -> colon < 0 ? original : original.substring(0, colon + 2) + pick(random);
                case 1 -> original.substring(0, random.nextInt(original.length() + 1));
                case 2 -> original + " " + pick(random);
                default -> lines[random.nextInt(lines.length)];
            };
        }
        return String.join("\n", lines) + "\n";
    }

    private static String pick(Random random) {
        return ODD_VALUES.get(random.nextInt(ODD_VALUES.size()));
    }
}
