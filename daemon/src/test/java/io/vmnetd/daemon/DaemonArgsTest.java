package io.vmnetd.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vmnetd.daemon.config.Config;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DaemonArgsTest {

    @Test
    void noArgumentsMeansTheDefaultFileAndRunning() throws Exception {
        assertThat(DaemonArgs.parse())
                .isEqualTo(new DaemonArgs(Config.DEFAULT_FILE, Optional.empty(), false, false, false));
    }

    @Test
    void valuesComeAsTheNextWordOrAfterEquals() throws Exception {
        assertThat(DaemonArgs.parse("--config", "/etc/x.yaml", "--log-level=debug", "--check"))
                .isEqualTo(new DaemonArgs(Path.of("/etc/x.yaml"), Optional.of("debug"), true, false, false));
        assertThat(DaemonArgs.parse("--config=/a.yaml", "--log-level", "warn").config()).isEqualTo(Path.of("/a.yaml"));
    }

    @Test
    void helpAndVersionHaveShortForms() throws Exception {
        assertThat(DaemonArgs.parse("-h").help()).isTrue();
        assertThat(DaemonArgs.parse("--help").help()).isTrue();
        assertThat(DaemonArgs.parse("-V").version()).isTrue();
        assertThat(DaemonArgs.parse("--version").version()).isTrue();
    }

    @Test
    void unknownOptionsStrayWordsAndMissingValuesAreRefusedByName() {
        assertThatThrownBy(() -> DaemonArgs.parse("--bogus")).hasMessage("Unknown option: '--bogus'");
        assertThatThrownBy(() -> DaemonArgs.parse("--check=yes")).hasMessage("Unknown option: '--check=yes'");
        assertThatThrownBy(() -> DaemonArgs.parse("stray")).hasMessage("Unmatched argument: 'stray'");
        assertThatThrownBy(() -> DaemonArgs.parse("--config"))
                .hasMessage("Missing required parameter for option '--config' (FILE)");
        assertThatThrownBy(() -> DaemonArgs.parse("--log-level"))
                .hasMessage("Missing required parameter for option '--log-level' (LEVEL)");
    }
}
