package io.vmnetd.daemon.api;

import io.vmnetd.daemon.cni.CniReply;

import io.vmnetd.daemon.config.ConfigException;
import java.util.Optional;

/**
 * What the daemon's core offers to API clients. {@link ApiServer} does the HTTP, JSON and authorisation; the core
 * implements this and never sees a request. Every method may block: they all run on the API's worker pool, never on
 * a network thread.
 *
 * <p>Values returned as {@code Object} are serialised with Jackson (records, maps, lists; {@code Optional} and
 * {@code Path} are handled). A {@link BadRequestException} from any method becomes a 400; any other unchecked
 * exception a 500.
 */
public interface DaemonApi {

    /** GET /readyz: 200 when true, 503 otherwise. */
    boolean isReady();

    /** GET /v1/status. */
    Object status();

    /** GET /v1/networks. */
    Object networks();

    /** GET /v1/ports. */
    Object ports();

    /** GET /v1/links. */
    Object links();

    /** GET /v1/config: the running config, and which layer (file or API overlay) each setting comes from. */
    Object config();

    /**
     * POST /v1/config[?dryRun=true]: validates the YAML and, unless {@code dryRun}, applies it.
     *
     * @throws ConfigException answered as 400 listing every problem
     * @throws ForbiddenException for a setting only the config file may hold, answered as 403
     */
    Object applyConfig(String yaml, boolean dryRun) throws ConfigException;

    /** DELETE /v1/config: drops the API overlay; the file alone applies again. */
    Object dropConfigOverlay() throws ConfigException;

    /**
     * POST /v1/networks/NAME/check: reconciles that cluster network (a VM network's cluster network) now and, for a
     * VM network, checks its connectivity; empty (answered 404) when no network has that name.
     */
    Optional<Object> checkNetwork(String name);

    /** POST /v1/cni: the request exactly as the CNI shim sent it (see cni-shim/src/vmnet.c). */
    CniReply cni(byte[] body, Caller caller);

    /** GET /metrics: the Prometheus text exposition. */
    String metrics();
}
