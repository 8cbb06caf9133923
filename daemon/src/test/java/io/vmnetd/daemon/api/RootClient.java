package io.vmnetd.daemon.api;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** What root does while a flood runs: GET /v1/status one after another, and a burst of parallel CNI calls. */
public final class RootClient {

    /** One call: its HTTP status (0: no answer) and how long it took. */
    public record Call(int status, String body, double millis) {}

    private RootClient() {}

    public static List<Call> statuses(Path socket, int count) {
        List<Call> calls = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            calls.add(timed(() -> UnixHttpClient.get(socket, "/v1/status")));
        }
        return calls;
    }

    /** {@code parallel} CNI ADDs at once, as a runtime starting many pods does. */
    public static List<Call> parallelCni(Path socket, int parallel) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            List<Future<Call>> futures = new ArrayList<>();
            for (int i = 0; i < parallel; i++) {
                String body = "{\"command\":\"ADD\",\"containerId\":\"c" + i + "\",\"config\":"
                        + "\"{\\\"cniVersion\\\":\\\"1.0.0\\\",\\\"name\\\":\\\"n\\\",\\\"type\\\":\\\"vmnet\\\"}\"}";
                futures.add(pool.submit(() -> timed(() -> UnixHttpClient.post(socket, "/v1/cni", body))));
            }
            List<Call> calls = new ArrayList<>();
            for (Future<Call> future : futures) {
                calls.add(future.get(120, TimeUnit.SECONDS));
            }
            return calls;
        } finally {
            pool.shutdownNow();
        }
    }

    /** The value at quantile {@code q} (0..1) of the calls' times, nearest rank. */
    public static double quantile(List<Call> calls, double q) {
        double[] millis = calls.stream().mapToDouble(Call::millis).sorted().toArray();
        int rank = (int) Math.ceil(q * millis.length);
        return millis[Math.max(0, Math.min(millis.length - 1, rank - 1))];
    }

    private static Call timed(Callable<UnixHttpClient.Response> call) {
        long start = System.nanoTime();
        try {
            UnixHttpClient.Response response = call.call();
            return new Call(response.status(), response.body(), (System.nanoTime() - start) / 1e6);
        } catch (Exception e) {
            return new Call(0, e.toString(), (System.nanoTime() - start) / 1e6);
        }
    }
}
