package io.vmnetd.cli.command;

import io.vmnetd.cli.ExitCode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code vmnetctl metrics}: GET /metrics, as Prometheus text, or as a list of samples with -o json/yaml. */
@Command(name = "metrics", mixinStandardHelpOptions = true, description = {"Print vmnetd's Prometheus metrics.",
        "The text /metrics serves; with PREFIX, only the metrics whose names start with it. -o json|yaml: a list "
                + "of {name, labels, value}."})
public final class MetricsCommand extends ApiCommand {

    @Parameters(paramLabel = "PREFIX", arity = "0..1", description = "e.g. vmnetd_drift")
    private String prefix = "";

    @Override
    public Integer call() {
        String text = client().getText("/metrics");
        List<String> lines = text.lines().filter(l -> prefix.isEmpty() || matches(l)).toList();
        if (!printedAsData(samples(lines))) {
            StringBuilder out = new StringBuilder();
            lines.forEach(l -> out.append(l).append('\n'));
            print(out.toString());
        }
        return ExitCode.OK.code();
    }

    private boolean matches(String line) {
        if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
            return line.substring(7).startsWith(prefix);
        }
        return line.startsWith(prefix);
    }

    /** Sample lines of the text format: {@code name{a="x",b="y"} value [timestamp]}; comments skipped. */
    static List<Object> samples(List<String> lines) {
        List<Object> out = new ArrayList<>();
        for (String line : lines) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = brace < 0 ? line.indexOf(' ') : line.indexOf(' ', line.lastIndexOf('}'));
            if (space < 0) {
                continue;
            }
            Map<String, Object> labels = new LinkedHashMap<>();
            String name;
            if (brace >= 0 && brace < space) {
                name = line.substring(0, brace);
                labels(line.substring(brace + 1, line.lastIndexOf('}')), labels);
            } else {
                name = line.substring(0, space);
            }
            String[] rest = line.substring(space + 1).strip().split(" ");
            Map<String, Object> sample = new LinkedHashMap<>();
            sample.put("name", name);
            sample.put("labels", labels);
            sample.put("value", number(rest[0]));
            out.add(sample);
        }
        return out;
    }

    private static void labels(String text, Map<String, Object> into) {
        int at = 0;
        while (at < text.length()) {
            int eq = text.indexOf("=\"", at);
            if (eq < 0) {
                return;
            }
            String key = text.substring(at, eq).strip();
            StringBuilder value = new StringBuilder();
            int i = eq + 2;
            for (; i < text.length() && text.charAt(i) != '"'; i++) {
                char c = text.charAt(i);
                if (c == '\\' && i + 1 < text.length()) {
                    char n = text.charAt(++i);
                    value.append(n == 'n' ? '\n' : n);
                } else {
                    value.append(c);
                }
            }
            into.put(key, value.toString());
            at = i + 1;
            while (at < text.length() && (text.charAt(at) == ',' || text.charAt(at) == ' ')) {
                at++;
            }
        }
    }

    /** A number where it is one; NaN and the infinities stay text, which JSON has no literal for. */
    private static Object number(String text) {
        try {
            return new BigDecimal(text).stripTrailingZeros();
        } catch (NumberFormatException e) {
            return text;
        }
    }
}
