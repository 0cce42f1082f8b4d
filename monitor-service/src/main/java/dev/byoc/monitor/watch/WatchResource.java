package dev.byoc.monitor.watch;

import dev.byoc.monitor.kafka.OwnedPartitions;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import io.smallrye.mutiny.Uni;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Ops: which partitions this replica owns and which clusters it therefore polls (no spec, nothing
 * of the owner's external ID). Needs the admin key ({@link dev.byoc.monitor.auth.AdminKeyFilter}).
 */
@Path("/api/v1/watch")
@Produces(MediaType.APPLICATION_JSON)
public class WatchResource {
    private final WatchList watchList;
    private final OwnedPartitions partitions;
    private final Replica replica;

    WatchResource(WatchList watchList, OwnedPartitions partitions, Replica replica) {
        this.watchList = watchList;
        this.partitions = partitions;
        this.replica = replica;
    }

    @GET
    public Uni<Map<String, Object>> watched() {
        var owned = new TreeSet<>(partitions.current());
        return watchList.inPartitions(owned).map(watched -> body(owned, watched));
    }

    private Map<String, Object> body(TreeSet<Integer> owned, List<WatchedCluster> watched) {
        List<Map<String, Object>> clusters = watched.stream().map(c -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", c.clusterId());
            row.put("name", c.name());
            row.put("status", c.state().status().wire());
            row.put("partition", c.partition());
            row.put("lastObservation", c.lastObservation());
            return row;
        }).toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("replica", replica.id());
        body.put("partitions", owned);
        body.put("clusters", clusters);
        return body;
    }
}
