package io.vmnetd.daemon.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The check answer's JSON: the check's own fields at the top level, connectivity only for a VM network. */
class CheckViewTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final NetworkCheck.Result RESULT =
            new NetworkCheck.Result("v100", "data", List.of("data: vid 100 added"), List.of(), List.of(), "ok");

    @Test
    void aVmNetworksCheckCarriesItsFieldsAndItsConnectivity() {
        Views.ConnectivityView c = new Views.ConnectivityView("active", "2026-12-07T15:00:00Z", 12L, "10.0.100.0/24",
                "10.0.100.1", null);
        JsonNode n = JSON.valueToTree(new Views.CheckView(RESULT, c));
        assertThat(n.fieldNames()).toIterable()
                .containsExactly("network", "clusterNetwork", "applied", "problems", "errors", "result", "connectivity");
        assertThat(n.path("applied").get(0).asText()).isEqualTo("data: vid 100 added");
        assertThat(n.path("connectivity").path("state").asText()).isEqualTo("active");
    }

    @Test
    void aClusterNetworksCheckHasNoConnectivityMember() {
        JsonNode n = JSON.valueToTree(new Views.CheckView(RESULT, null));
        assertThat(n.has("connectivity")).isFalse();
        assertThat(n.path("result").asText()).isEqualTo("ok");
    }
}
