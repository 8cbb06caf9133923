package io.vmnetd.daemon.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vmnetd.netlink.nl.Connection;
import io.vmnetd.netlink.nl.Rtnl;
import io.vmnetd.netlink.sys.Errno;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MetricsTest {

    private final Metrics metrics = new Metrics();

    @AfterEach
    void close() {
        metrics.close();
    }

    private void recordSomeOfEverything() {
        metrics.cniRequest("ADD", Metrics.OK, Duration.ofMillis(42));
        metrics.cniRequest("ADD", Metrics.ERROR, Duration.ofSeconds(3));
        metrics.cniRequest("DEL", Metrics.OK, Duration.ofMillis(2));
        metrics.reconcileRun(Metrics.OK, Duration.ofMillis(120));
        metrics.driftRepaired("vlan");
        Connection.Observer observer = metrics.netlinkObserver();
        observer.requestSent(Rtnl.RTM_NEWLINK);
        observer.requestSent(Rtnl.RTM_NEWLINK);
        observer.requestSent(Rtnl.RTM_SETLINK);
        observer.requestSent(Rtnl.RTM_NEWVLAN);
        observer.requestSent(999);
        observer.errorReceived(Rtnl.RTM_NEWLINK, Errno.EEXIST);
        metrics.gauge("vmnetd_links", "Links vmnetd manages", () -> 7);
        metrics.gauge("vmnetd_ports", "VM and pod ports attached", () -> 3);
        metrics.gauge("vmnetd_vids", "VLAN IDs in use, by cluster network", Map.of("cluster_network", "prod"), () -> 12);
    }

    @Test
    void countersCarryTheirLabels() {
        recordSomeOfEverything();
        String text = metrics.scrape();
        assertThat(text)
                .contains("vmnetd_cni_requests_total{command=\"ADD\",result=\"ok\"} 1")
                .contains("vmnetd_cni_requests_total{command=\"ADD\",result=\"error\"} 1")
                .contains("vmnetd_reconcile_runs_total{result=\"ok\"} 1")
                .contains("vmnetd_drift_repairs_total{kind=\"vlan\"} 1")
                .contains("vmnetd_netlink_requests_total{type=\"newlink\"} 2")
                .contains("vmnetd_netlink_requests_total{type=\"setlink\"} 1")
                .contains("vmnetd_netlink_requests_total{type=\"newvlan\"} 1")
                .contains("vmnetd_netlink_requests_total{type=\"type_999\"} 1")
                .contains("vmnetd_netlink_errors_total{errno=\"EEXIST\",type=\"newlink\"} 1")
                .contains("vmnetd_links 7")
                .contains("vmnetd_ports 3")
                .contains("vmnetd_vids{cluster_network=\"prod\"} 12");
    }

    @Test
    void durationsAreHistogramsInSeconds() {
        recordSomeOfEverything();
        String text = metrics.scrape();
        assertThat(text)
                .contains("# TYPE vmnetd_cni_request_duration_seconds histogram")
                .contains("vmnetd_cni_request_duration_seconds_bucket{command=\"ADD\",le=\"0.05\"} 1")
                .contains("vmnetd_cni_request_duration_seconds_bucket{command=\"ADD\",le=\"5.0\"} 2")
                .contains("vmnetd_cni_request_duration_seconds_count{command=\"DEL\"} 1")
                .contains("# TYPE vmnetd_reconcile_duration_seconds histogram")
                .contains("vmnetd_reconcile_duration_seconds_bucket{le=\"0.25\"} 1");
    }

    @Test
    void jvmBasicsAreIncluded() {
        assertThat(metrics.scrape())
                .contains("jvm_memory_used_bytes")
                .contains("jvm_threads_live_threads")
                .contains("process_uptime_seconds")
                .contains("system_cpus");
    }

    /** promtool is Prometheus's own linter: it reports names, units and help that break the conventions. */
    @Test
    void scrapePassesPromtool() throws Exception {
        Path promtool = Path.of("/usr/bin/promtool");
        assumeTrue(Files.isExecutable(promtool), "promtool not installed (Debian package prometheus)");
        recordSomeOfEverything();
        Process process = new ProcessBuilder(promtool.toString(), "check", "metrics")
                .redirectErrorStream(true).start();
        process.getOutputStream().write(metrics.scrape().getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(output).isEmpty();
        assertThat(process.exitValue()).isZero();
    }
}
