package io.vmnetd.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsCommandTest {
    @Test
    void samplesOfThePrometheusTextFormat() {
        List<Object> samples = MetricsCommand.samples(List.of(
                "# HELP vmnetd_ports VM ports",
                "# TYPE vmnetd_ports gauge",
                "vmnetd_ports 3.0",
                "vmnetd_drift_repairs_total{kind=\"vlans\",network=\"a \\\"b\\\"\"} 2.0 1700000000",
                "vmnetd_x{le=\"+Inf\"} NaN",
                ""));
        assertThat(samples).containsExactly(
                Map.of("name", "vmnetd_ports", "labels", Map.of(), "value", new BigDecimal("3")),
                Map.of("name", "vmnetd_drift_repairs_total", "labels", Map.of("kind", "vlans", "network", "a \"b\""),
                        "value", new BigDecimal("2")),
                Map.of("name", "vmnetd_x", "labels", Map.of("le", "+Inf"), "value", "NaN"));
    }
}
