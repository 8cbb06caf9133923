package io.vmnetd.kube.translate;

import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/** Harvester's linkAttributes.hardwareAddr: Go marshals a net.HardwareAddr ([]byte) as standard base64. */
final class HardwareAddrs {
    private HardwareAddrs() {}

    /**
     * The address as the config file writes one ("02:00:5e:10:00:01"), whatever its length: the file's rules then
     * refuse anything but a unicast Ethernet address (Go's type also holds 8 and 20 byte addresses). Empty when the
     * text is not base64.
     */
    static Optional<String> colonHex(String base64) {
        try {
            return Optional.of(HexFormat.ofDelimiter(":").formatHex(Base64.getDecoder().decode(base64)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
