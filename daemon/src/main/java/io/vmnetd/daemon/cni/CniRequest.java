package io.vmnetd.daemon.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vmnetd.daemon.state.AttachmentKey;
import io.vmnetd.netlink.Arguments;
import io.vmnetd.netlink.InvalidArgumentException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One call as the shim forwards it: the CNI_* environment and the network configuration exactly as the runtime
 * wrote it to stdin (cni-shim/src/vmnet.c documents the wire form).
 */
public record CniRequest(String command, Optional<String> containerId, Optional<String> netns,
                         Optional<String> ifName, Optional<String> args, Optional<String> path, String config) {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Runtimes use 64 hex digits; room for other schemes, none for a flood. */
    static final int MAX_CONTAINER_ID = 256;

    public static CniRequest parse(byte[] body) throws CniError {
        JsonNode n;
        try {
            n = JSON.readTree(body);
        } catch (IOException e) {
            throw new CniError(CniError.DECODING_FAILURE, "the request from the shim is not JSON", e.getMessage());
        }
        if (n == null || !n.isObject()) {
            throw new CniError(CniError.DECODING_FAILURE, "the request from the shim is not a JSON object");
        }
        String command = text(n, "command").orElse("");
        if (command.isEmpty()) {
            throw new CniError(CniError.INVALID_ENVIRONMENT, "CNI_COMMAND is not set");
        }
        return new CniRequest(command, text(n, "containerId"), text(n, "netns"), text(n, "ifname"), text(n, "args"),
                text(n, "path"), text(n, "config").orElse(""));
    }

    private static Optional<String> text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(v.asText());
    }

    /** A required CNI_* variable: present and not empty. */
    public String require(Optional<String> value, String variable) throws CniError {
        if (value.isEmpty() || value.get().isEmpty()) {
            throw new CniError(CniError.INVALID_ENVIRONMENT, variable + " is not set", "CNI_COMMAND=" + command
                    + " needs CNI_CONTAINERID, CNI_NETNS, CNI_IFNAME and CNI_PATH");
        }
        return value.get();
    }

    /** The attachment this call is about: CNI_CONTAINERID and CNI_IFNAME, the latter a valid interface name. */
    public AttachmentKey key() throws CniError {
        String containerId = require(containerId(), "CNI_CONTAINERID");
        if (containerId.length() > MAX_CONTAINER_ID || !Texts.isPrintable(containerId)) {
            throw new CniError(CniError.INVALID_ENVIRONMENT, "CNI_CONTAINERID: \"" + Texts.printable(containerId, 80)
                    + "\" is not a container id; allowed: 1.." + MAX_CONTAINER_ID + " printable characters");
        }
        String name = require(ifName(), "CNI_IFNAME");
        try {
            Arguments.linkName("CNI_IFNAME", name);
        } catch (InvalidArgumentException e) {
            throw new CniError(CniError.INVALID_ENVIRONMENT, e.getMessage());
        }
        return new AttachmentKey(containerId, name);
    }
}
