package io.vmnetd.daemon.bench;

import static io.vmnetd.daemon.bench.PluginExec.exec;

import io.vmnetd.daemon.bench.PluginExec.Call;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One plugin under test, called exactly as a container runtime calls it (CNI_* variables, netconf on stdin) in the
 * pre-made namespaces {@code <prefix><label>-<index>}. It remembers each attachment until its DEL succeeded, so that
 * after a failure {@link #cleanUp} can still detach what is left.
 */
final class CniPlugin {
    private final String label;
    private final String binary;
    private final String bridge;
    private final String netconf;
    private final CniBenchOptions o;
    /** "containerId@namespace index"; touched only by the bench's main thread. */
    private final List<String> live = new ArrayList<>();

    CniPlugin(String label, String binary, String bridge, String netconf, CniBenchOptions o) {
        this.label = label;
        this.binary = binary;
        this.bridge = bridge;
        this.netconf = netconf;
        this.o = o;
    }

    String label() {
        return label;
    }

    String binary() {
        return binary;
    }

    String bridge() {
        return bridge;
    }

    String netconf() {
        return netconf;
    }

    Call add(String id, int netns) {
        live.add(id + "@" + netns);
        Call c = exec(List.of(binary), env("ADD", id, netns), netconf.getBytes(StandardCharsets.UTF_8));
        check("ADD", id, c);
        if (!c.stdout().contains("\"interfaces\"")) {
            throw new IllegalStateException(label + " ADD " + id + " printed no result: " + c.stdout());
        }
        return c;
    }

    Call del(String id, int netns) {
        Call c = exec(List.of(binary), env("DEL", id, netns), netconf.getBytes(StandardCharsets.UTF_8));
        check("DEL", id, c);
        live.remove(id + "@" + netns);
        return c;
    }

    /** VERSION: the plugin's start-up alone, answered before any network work. */
    Call version() {
        Call c = exec(List.of(binary), Map.of("CNI_COMMAND", "VERSION"), netconf.getBytes(StandardCharsets.UTF_8));
        check("VERSION", "-", c);
        return c;
    }

    /** STATUS (a cniVersion 1.1.0 call): for vmnet the shim, its socket, HTTP and vmnetd's two netlink GETs. */
    Call status() {
        byte[] conf = netconf.replace("\"0.3.1\"", "\"1.1.0\"").getBytes(StandardCharsets.UTF_8);
        Call c = exec(List.of(binary), Map.of("CNI_COMMAND", "STATUS", "CNI_PATH", o.cniPath), conf);
        check("STATUS", "-", c);
        return c;
    }

    void check(String command, String id, Call c) {
        if (c.exit() != 0) {
            throw new IllegalStateException(label + " " + command + " " + id + " exited " + c.exit() + ": "
                    + c.stdout() + " " + c.stderr());
        }
    }

    /**
     * {@code n} calls released at once, one thread each (made and parked beforehand); returns the wall time from the
     * release until the last call returned. {@code calls} receives each call's own time.
     */
    long parallel(String command, String prefix, long[] calls) throws InterruptedException {
        return parallel(command, prefix, calls, 0);
    }

    /** As above, into the namespaces (and with the ids) {@code first .. first + calls.length - 1}. */
    long parallel(String command, String prefix, long[] calls, int first) throws InterruptedException {
        int n = calls.length;
        CountDownLatch ready = new CountDownLatch(n);
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(n);
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        long[] ends = new long[n];
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            final int k = i;
            final int ns = first + i;
            String id = prefix + ns;
            if (command.equals("ADD")) {
                live.add(id + "@" + ns);
            }
            Thread t = new Thread(() -> {
                try {
                    ready.countDown();
                    go.await();
                    Call c = exec(List.of(binary), env(command, id, ns), netconf.getBytes(StandardCharsets.UTF_8));
                    ends[k] = System.nanoTime();
                    calls[k] = c.nanos();
                    check(command, id, c);
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            }, "cnibench-" + ns);
            threads.add(t);
            t.start();
        }
        ready.await();
        Thread.sleep(50); // every thread parked on the latch
        long start = System.nanoTime();
        go.countDown();
        done.await();
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        if (command.equals("DEL")) {
            for (int k = first; k < first + n; k++) {
                live.remove(prefix + k + "@" + k);
            }
        }
        return Arrays.stream(ends).max().orElse(start) - start;
    }

    /** Best effort, until {@code deadline}: DEL whatever is still attached, e.g. after a failure. */
    void cleanUp(long deadline) {
        for (String entry : new ArrayList<>(live)) {
            if (System.nanoTime() > deadline) {
                System.err.println("CniBench: cleanup stopped with " + live.size() + " " + label
                        + " attachment(s) left");
                return;
            }
            int at = entry.lastIndexOf('@');
            Map<String, String> env = env("DEL", entry.substring(0, at), Integer.parseInt(entry.substring(at + 1)));
            env.put("VMNETD_WAIT_SECONDS", "1");     // a daemon that is gone must not hold the cleanup up
            env.put("VMNETD_IO_TIMEOUT_SECONDS", "10");
            exec(List.of(binary), env, netconf.getBytes(StandardCharsets.UTF_8));
            live.remove(entry);
        }
    }

    private Map<String, String> env(String command, String containerId, int netns) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CNI_COMMAND", command);
        env.put("CNI_CONTAINERID", containerId);
        env.put("CNI_NETNS", "/run/netns/" + o.netnsPrefix + label + "-" + netns);
        env.put("CNI_IFNAME", o.ifName);
        env.put("CNI_PATH", o.cniPath);
        return env;
    }
}
