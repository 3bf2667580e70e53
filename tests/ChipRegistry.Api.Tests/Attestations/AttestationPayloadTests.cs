using System.Text;
using ChipRegistry.Api.Attestations;
using NodaTime;

namespace ChipRegistry.Api.Tests.Attestations;

public sealed class AttestationPayloadTests
{
    [Fact]
    public void the_server_rebuilds_the_committed_vectors_canonical_payload_byte_for_byte()
    {
        var vector = OpensslVector.Load();

        var rebuilt = AttestationPayload.ForChip("vector:0001", "fac-vector", "rtt", 1.50m, "landmark-atl-3", "vector-nonce-0001", Instant.FromUtc(2026, 11, 20, 10, 0));

        Assert.Equal(Encoding.UTF8.GetString(vector.Payload), Encoding.UTF8.GetString(rebuilt));
    }

    [Fact]
    public void absent_fields_are_signed_as_null_and_times_keep_only_their_significant_fraction()
    {
        var at = Instant.FromUtc(2026, 11, 20, 10, 0) + Duration.FromMilliseconds(250);

        var payload = Encoding.UTF8.GetString(AttestationPayload.ForChip("c:1", "f", "rtt", null, null, null, at));

        Assert.Equal("""{"chipId":"c:1","facilityId":"f","kind":"chip_location_attestation","landmarkId":null,"method":"rtt","nonce":null,"occurredAt":"2026-11-20T10:00:00.25Z","roundTripMs":null}""", payload);
    }

    [Fact]
    public void a_cluster_payload_lists_its_chips_in_ordinal_order()
    {
        var payload = Encoding.UTF8.GetString(AttestationPayload.ForCluster("f", "hall-a", ["b:2", "B:1", "a:10", "a:9"], "rtt", 12m, null, "n", Instant.FromUtc(2026, 11, 20, 10, 0)));

        Assert.Equal("""{"chipIds":["B:1","a:10","a:9","b:2"],"clusterId":"hall-a","facilityId":"f","kind":"cluster_location_attestation","landmarkId":null,"method":"rtt","nonce":"n","occurredAt":"2026-11-20T10:00:00Z","roundTripMs":12}""", payload);
    }
}
