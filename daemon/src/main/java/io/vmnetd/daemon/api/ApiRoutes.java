package io.vmnetd.daemon.api;

import io.vmnetd.daemon.cni.CniBusy;
import io.vmnetd.daemon.cni.CniReply;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vmnetd.daemon.config.ConfigException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/** Which endpoint answers which method and path, and how each turns a {@link DaemonApi} call into a response. */
final class ApiRoutes {

    interface Endpoint {
        ApiResponse handle(ApiRequest request) throws Exception;
    }

    /**
     * @param onEventLoop answered at once on the network thread: only for endpoints that never block, so that
     *     they answer even when every worker is busy
     */
    record Route(String method, String path, boolean onEventLoop, Endpoint endpoint) {
        /** CNI calls run on their own worker pool. */
        boolean isCni() {
            return path.equals(CNI_PATH);
        }
    }

    static final String CNI_PATH = "/v1/cni";

    /** The outcome of looking a request up: a route, or the error response when there is none. */
    record Resolution(Optional<Route> route, Optional<ApiResponse> error) {}

    /** A path with one {@value #NAME} segment matches any single segment there. */
    private static final String NAME = "{name}";
    private static final String CHECK_NETWORK = "/v1/networks/" + NAME + "/check";

    private final Map<String, Map<String, Route>> byPath = new LinkedHashMap<>();

    private ApiRoutes(List<Route> routes) {
        for (Route route : routes) {
            byPath.computeIfAbsent(route.path(), p -> new TreeMap<>()).put(route.method(), route);
        }
    }

    /**
     * True for a request that changes the node: anything but a GET, except a dry run of a config. Only root (and
     * members of adminGroup) may send these.
     */
    static boolean changesTheNode(ApiRequest request) {
        if (request.method().equals("GET") || request.method().equals("HEAD")) {
            return false;
        }
        // Leniently: an invalid dryRun is not a dry run here, and the endpoint answers it with its own 400.
        return !(request.path().equals("/v1/config")
                && request.queryParameter("dryRun")
                        .map(v -> List.of("true", "1", "yes", "").contains(v.toLowerCase(Locale.ROOT))).orElse(false));
    }

    /** Everything, for the Unix socket. */
    static ApiRoutes full(DaemonApi api) {
        return full(api, api::metrics);
    }

    /** @param metrics the Prometheus text, possibly cached (see {@link ScrapeCache}) */
    static ApiRoutes full(DaemonApi api, Supplier<String> metrics) {
        return new ApiRoutes(List.of(
                healthz(),
                new Route("GET", "/readyz", false, request -> readyz(api)),
                new Route("GET", "/v1/status", false, request -> json(api.status())),
                new Route("GET", "/v1/networks", false, request -> json(api.networks())),
                new Route("GET", "/v1/ports", false, request -> json(api.ports())),
                new Route("GET", "/v1/links", false, request -> json(api.links())),
                new Route("GET", "/v1/config", false, request -> json(api.config())),
                new Route("POST", "/v1/config", false, request -> applyConfig(api, request)),
                new Route("DELETE", "/v1/config", false, request -> configChange(() -> api.dropConfigOverlay())),
                new Route("POST", CNI_PATH, false, request -> cni(api, request)),
                new Route("POST", CHECK_NETWORK, false, request -> checkNetwork(request, api)),
                new Route("GET", "/metrics", false,
                        request -> ApiResponse.text(HttpResponseStatus.OK, ApiResponse.PROMETHEUS_TEXT, metrics.get()))));
    }

    Resolution resolve(String method, String path) {
        Map<String, Route> methods = byPath.get(path);
        if (methods == null) {
            methods = byPath.get(template(path));
        }
        if (methods == null) {
            return new Resolution(Optional.empty(), Optional.of(ApiResponse.error(HttpResponseStatus.NOT_FOUND,
                    "no such endpoint: " + method + " " + path)));
        }
        Route route = methods.get(method);
        if (route == null) {
            String allow = String.join(", ", methods.keySet());
            return new Resolution(Optional.empty(), Optional.of(ApiResponse.error(HttpResponseStatus.METHOD_NOT_ALLOWED,
                    method + " is not allowed on " + path + "; use " + allow).withHeader("Allow", allow)));
        }
        return new Resolution(Optional.of(route), Optional.empty());
    }

    /** The registered template {@code path} fits, e.g. /v1/networks/{name}/check for /v1/networks/a/check. */
    private String template(String path) {
        String[] segments = path.split("/", -1);
        for (String candidate : byPath.keySet()) {
            String[] t = candidate.split("/", -1);
            if (t.length != segments.length || !candidate.contains(NAME)) {
                continue;
            }
            boolean fits = true;
            for (int i = 0; i < t.length && fits; i++) {
                fits = t[i].equals(NAME) ? !segments[i].isEmpty() : t[i].equals(segments[i]);
            }
            if (fits) {
                return candidate;
            }
        }
        return path;
    }

    private static ApiResponse checkNetwork(ApiRequest request, DaemonApi api) throws Exception {
        String name = request.path().split("/")[3];
        Optional<Object> result = api.checkNetwork(name);
        if (result.isEmpty()) {
            return ApiResponse.json(HttpResponseStatus.NOT_FOUND,
                    ApiJson.errorWithField("no network named \"" + name
                    + "\" in the running config; GET /v1/networks lists them", "network"));
        }
        return json(result.get());
    }

    private static Route healthz() {
        return new Route("GET", "/healthz", true,
                request -> ApiResponse.json(HttpResponseStatus.OK, "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8)));
    }

    private static ApiResponse readyz(DaemonApi api) throws Exception {
        if (api.isReady()) {
            return json(Map.of("ready", true));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ready", false);
        body.put("error", "vmnetd is not ready: its first reconcile has not completed or its reconcile loop is stuck");
        return ApiResponse.json(HttpResponseStatus.SERVICE_UNAVAILABLE, ApiJson.toJson(body));
    }

    private static ApiResponse applyConfig(DaemonApi api, ApiRequest request) throws Exception {
        boolean dryRun = request.queryParameter("dryRun").map(ApiRoutes::parseBoolean).orElse(false);
        if (request.body().length == 0) {
            // An empty YAML file means "all defaults, no networks": too drastic to infer from a forgotten body.
            throw new BadRequestException("empty request body; send the YAML configuration (\"{}\" for all defaults)",
                    "body");
        }
        String yaml = utf8(request.body());
        try {
            return json(api.applyConfig(yaml, dryRun));
        } catch (ConfigException e) {
            return ApiResponse.json(HttpResponseStatus.BAD_REQUEST, ApiJson.configError(e));
        }
    }

    /** A config change with no body (DELETE): its result as JSON, a config refused as 400. */
    private static ApiResponse configChange(ConfigCall call) throws Exception {
        try {
            return json(call.run());
        } catch (ConfigException e) {
            return ApiResponse.json(HttpResponseStatus.BAD_REQUEST, ApiJson.configError(e));
        }
    }

    private interface ConfigCall {
        Object run() throws ConfigException;
    }

    /** The reply format the shim in cni-shim/src/vmnet.c depends on. */
    private static ApiResponse cni(DaemonApi api, ApiRequest request) {
        Caller caller = request.caller().orElseThrow(() -> new IllegalStateException("CNI calls need a caller"));
        return cniResponse(api.cni(request.body(), caller));
    }

    /** The answer when every CNI worker is taken and the queue is full; see {@link CniBusy}. */
    static ApiResponse cniBusy(ApiRequest request, String load) {
        return cniResponse(CniBusy.reply(request.body(), load));
    }

    private static ApiResponse cniResponse(CniReply reply) {
        if (reply.notReady()) {
            return ApiResponse.text(HttpResponseStatus.SERVICE_UNAVAILABLE, ApiResponse.JSON, reply.stdout())
                    .withHeader("Retry-After", "1");
        }
        ApiResponse response = ApiResponse.text(HttpResponseStatus.OK, ApiResponse.JSON, reply.stdout())
                .withHeader("Vmnet-Exit-Code", Integer.toString(reply.exitCode()));
        if (reply.warning().isPresent()) {
            for (String line : reply.warning().get().split("\r\n|\r|\n")) {
                if (!line.isBlank()) {
                    response = response.withHeader("Vmnet-Warning", headerSafe(line));
                }
            }
        }
        return response;
    }

    private static ApiResponse json(Object value) throws Exception {
        return ApiResponse.json(HttpResponseStatus.OK, ApiJson.toJson(value));
    }

    private static boolean parseBoolean(String value) {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "":
                return true;
            case "false", "0", "no":
                return false;
            default:
                throw new BadRequestException("dryRun must be true or false, not \"" + value + "\"", "dryRun");
        }
    }

    private static String utf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new BadRequestException("request body is not valid UTF-8", "body");
        }
    }

    /**
     * Netty writes a header value one char per byte: the UTF-8 bytes go in as Latin-1 chars so that they reach the
     * shim unchanged. Control characters, which would break the header, become spaces.
     */
    private static String headerSafe(String line) {
        String latin1 = new String(line.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        StringBuilder safe = new StringBuilder(latin1.length());
        for (char c : latin1.toCharArray()) {
            safe.append(c < 0x20 && c != '\t' || c == 0x7f ? ' ' : c);
        }
        return safe.toString();
    }
}
