package io.vmnetd.daemon.api;

import io.vmnetd.daemon.cni.CniReply;
import io.vmnetd.daemon.config.ConfigException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/** A {@link DaemonApi} whose answers each test sets; it records what the server passed in. */
final class FakeDaemonApi implements DaemonApi {

    interface ConfigHandler {
        Object apply(String yaml, boolean dryRun) throws ConfigException;
    }

    volatile boolean ready = true;
    volatile Supplier<Object> status = () -> Map.of("phase", "running");
    volatile Supplier<Object> networks = List::of;
    volatile ConfigHandler config = (yaml, dryRun) -> Map.of("applied", !dryRun, "bytes", yaml.length());
    volatile BiFunction<byte[], Caller, CniReply> cni =
            (body, caller) -> new CniReply(0, "{\"cniVersion\":\"1.1.0\"}", java.util.Optional.empty(), false);
    /** Answers POST /v1/networks/{name}/check; empty means no such network. */
    volatile java.util.function.Function<String, java.util.Optional<Object>> check = name -> name.equals("data") || name.equals("vlan100")
            ? java.util.Optional.of(Map.of("network", name, "result", "ok")) : java.util.Optional.empty();
    volatile String metricsText = "# HELP up Up\n# TYPE up gauge\nup 1\n";
    volatile Runnable metricsHook = () -> {};
    final AtomicInteger cniCalls = new AtomicInteger();
    volatile Caller lastCaller;
    volatile byte[] lastCniBody;

    @Override
    public boolean isReady() {
        return ready;
    }

    @Override
    public Object status() {
        return status.get();
    }

    @Override
    public Object networks() {
        return networks.get();
    }

    @Override
    public Object ports() {
        return List.of(Map.of("name", "vm1-eth0"));
    }

    @Override
    public Object links() {
        return List.of();
    }

    @Override
    public Object config() {
        return Map.of("config", Map.of());
    }

    @Override
    public Object applyConfig(String yaml, boolean dryRun) throws ConfigException {
        return config.apply(yaml, dryRun);
    }

    @Override
    public Object dropConfigOverlay() {
        return Map.of("removed", "overlay");
    }

    @Override
    public CniReply cni(byte[] body, Caller caller) {
        cniCalls.incrementAndGet();
        lastCaller = caller;
        lastCniBody = body;
        return cni.apply(body, caller);
    }

    @Override
    public java.util.Optional<Object> checkNetwork(String name) {
        return check.apply(name);
    }

    @Override
    public String metrics() {
        metricsHook.run();
        return metricsText;
    }
}
