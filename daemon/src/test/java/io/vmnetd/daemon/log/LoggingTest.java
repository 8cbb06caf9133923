package io.vmnetd.daemon.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LoggingTest {

    private static final Logger LOG = Logger.getLogger("io.vmnetd.daemon.reconcile.Reconciler");
    private static final Logger NETTY = Logger.getLogger("io.netty.channel.DefaultChannelPipeline");

    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    @AfterEach
    void restore() {
        Logging.configure("info", System.out, false);
    }

    private String output() {
        return captured.toString(StandardCharsets.UTF_8);
    }

    private void configure(String level, boolean journal) {
        Logging.configure(level, new PrintStream(captured, true, StandardCharsets.UTF_8), journal);
    }

    @Test
    void oneLinePerEventWithLevelAndShortLoggerName() {
        configure("info", false);
        LOG.info("reconciled 3 networks");
        LOG.warning("uplink eth1 is down");
        LOG.severe("cannot open netlink socket");
        assertThat(output()).isEqualTo("INFO Reconciler: reconciled 3 networks\n"
                + "WARN Reconciler: uplink eth1 is down\n"
                + "ERROR Reconciler: cannot open netlink socket\n");
    }

    @Test
    void levelFiltersAndChangesAtReload() {
        configure("warn", false);
        LOG.info("hidden");
        LOG.fine("hidden too");
        LOG.warning("shown");
        Logging.setLevel("debug");
        LOG.fine("now shown");
        Logging.setLevel("error");
        LOG.warning("hidden again");
        assertThat(output()).isEqualTo("WARN Reconciler: shown\nDEBUG Reconciler: now shown\n");
    }

    @Test
    void exceptionIsItsCauseChainOnTheSameLine() {
        configure("info", false);
        IOException cause = new IOException("No such device");
        LOG.log(Level.WARNING, "cannot attach tap0", new IllegalStateException("link vanished", cause));
        assertThat(output()).isEqualTo("WARN Reconciler: cannot attach tap0: IllegalStateException: link vanished;"
                + " caused by IOException: No such device\n");
    }

    @Test
    void debugAddsTheStackTrace() {
        configure("debug", false);
        LOG.log(Level.WARNING, "failed", new IllegalStateException("boom"));
        String[] lines = output().split("\n");
        assertThat(lines[0]).isEqualTo("WARN Reconciler: failed: IllegalStateException: boom");
        assertThat(lines[1]).isEqualTo("java.lang.IllegalStateException: boom");
        assertThat(lines[2]).startsWith("\tat ");
    }

    @Test
    void multiLineMessagesStayOnOneLine() {
        configure("info", false);
        LOG.warning("2 errors in vmnetd.yaml\nvmnetd.yaml:3:9: vlan: out of range\nvmnetd.yaml:7:3: name: empty");
        assertThat(output()).isEqualTo("WARN Reconciler: 2 errors in vmnetd.yaml | vmnetd.yaml:3:9: vlan: out of range"
                + " | vmnetd.yaml:7:3: name: empty\n");
    }

    @Test
    void journalGetsPriorityPrefixes() {
        configure("debug", true);
        LOG.severe("e");
        LOG.warning("w");
        LOG.info("i");
        LOG.fine("d");
        assertThat(output()).isEqualTo("<3>ERROR Reconciler: e\n<4>WARN Reconciler: w\n<6>INFO Reconciler: i\n"
                + "<7>DEBUG Reconciler: d\n");
    }

    @Test
    void nettyStaysAtWarnEvenWhenDebugging() {
        configure("debug", false);
        NETTY.fine("buffer leak detector settings");
        NETTY.info("something internal");
        NETTY.warning("an exception reached the tail of the pipeline");
        assertThat(output()).isEqualTo("WARN DefaultChannelPipeline: an exception reached the tail of the pipeline\n");
    }

    @Test
    void parametersAreFormatted() {
        configure("info", false);
        LOG.log(Level.INFO, "attached {0} to vlan {1}", new Object[] {"tap0", 100});
        assertThat(output()).isEqualTo("INFO Reconciler: attached tap0 to vlan 100\n");
    }

    @Test
    void unknownLevelIsRefused() {
        assertThatThrownBy(() -> Logging.setLevel("verbose"))
                .hasMessage("unknown log level \"verbose\"; allowed: error, warn, info, debug");
        Logging.setLevel("WARN"); // the configuration is lower-case, but a command line may not be
    }
}
