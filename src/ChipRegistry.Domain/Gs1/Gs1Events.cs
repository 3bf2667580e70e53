using ChipRegistry.Domain.Common;
using NodaTime;

namespace ChipRegistry.Domain.Gs1;

/// <summary>The registry administrator granted a GS1 company prefix to a manufacturer: its GTINs are that manufacturer's to map.</summary>
public sealed record Gs1PrefixGranted(string CompanyPrefix, string ManufacturerId, string RecordedBy, Instant OccurredAt) : IDomainEvent;

/// <summary>The prefix's holder mapped a GTIN-14 to one of its models: an SGTIN of this GTIN names a chip of that model.</summary>
public sealed record GtinMapped(string Gtin, string CompanyPrefix, string ModelId, string ManufacturerId, string RecordedBy, Instant OccurredAt) : IDomainEvent;
