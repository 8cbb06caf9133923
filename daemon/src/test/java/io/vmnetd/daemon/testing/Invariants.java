package io.vmnetd.daemon.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What must hold between the three records of an attachment after anything at all happened to the daemon: the
 * kernel's host ends ("vmn…"), the daemon's journal (GET /v1/ports) and host-local's lease store. Each is read
 * independently of the others.
 */
public final class Invariants {
    private Invariants() {}

    /**
     * Every host veth has an attachment, every attachment its host veth and pod end, every lease an attachment and
     * every attachment with IPAM its lease; no attachment is half-added or half-deleted.
     *
     * @param leaseDir host-local's directory for the network (dataDir/NAME), holding one file per leased IP whose
     *     first line is the container id
     */
    public static void consistent(CniLab lab, Path leaseDir, String context) {
        Set<String> journalHosts = new TreeSet<>();
        Set<String> journalContainers = new TreeSet<>();
        for (JsonNode p : lab.ports()) {
            assertThat(p.path("state").asText()).as(context + ": state of " + p.path("containerId").asText())
                    .isEqualTo("READY");
            journalHosts.add(p.path("hostIfName").asText());
            journalContainers.add(p.path("containerId").asText());
            String netns = p.path("netns").asText();
            String ns = netns.substring(netns.lastIndexOf('/') + 1);
            assertThat(KernelState.in(ns).exists(p.path("ifName").asText()))
                    .as(context + ": pod end of " + p.path("containerId").asText()).isTrue();
        }
        assertThat(new TreeSet<>(CniLab.hostVeths())).as(context + ": host veths vs journal").isEqualTo(journalHosts);
        assertThat(leaseHolders(leaseDir)).as(context + ": leases vs journal").isEqualTo(journalContainers);
    }

    /** The container ids host-local holds leases for in {@code leaseDir}. */
    public static Set<String> leaseHolders(Path leaseDir) {
        Set<String> out = new TreeSet<>();
        if (!Files.isDirectory(leaseDir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(leaseDir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().matches("[0-9a-f.:]+")).toList()) {
                out.add(Files.readAllLines(f).get(0).strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
