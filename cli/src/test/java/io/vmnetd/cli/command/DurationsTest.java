package io.vmnetd.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DurationsTest {
    @Test
    void agesAsKubectlShowsThem() {
        assertThat(Durations.human(0)).isEqualTo("0s");
        assertThat(Durations.human(59)).isEqualTo("59s");
        assertThat(Durations.human(60)).isEqualTo("1m");
        assertThat(Durations.human(192)).isEqualTo("3m12s");
        assertThat(Durations.human(3600 * 5 + 180)).isEqualTo("5h3m");
        assertThat(Durations.human(86400 * 2 + 3600 * 4 + 5)).isEqualTo("2d4h");
        assertThat(Durations.age("not a time")).isEqualTo("not a time");
    }
}
