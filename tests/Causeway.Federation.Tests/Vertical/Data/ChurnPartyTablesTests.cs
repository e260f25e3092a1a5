using Causeway.Core.Data;
using Causeway.Federation.Tests.Vertical.Alignment;
using Causeway.Federation.Vertical.Alignment;
using Causeway.Federation.Vertical.Data;
using Causeway.Privacy.Psi;

namespace Causeway.Federation.Tests.Vertical.Data;

/// <summary>The churn sample split among three parties (samples/data/telco-customer-churn/parties/README.md).</summary>
public sealed class ChurnPartyTablesTests
{
    private const int Intersection = 5503;

    [Theory]
    [InlineData("telecom", 6494, 12, true)]   // 2 + 2 + 2 + 2 one-hot, tenure, 3 one-hot
    [InlineData("payments", 6487, 8, false)]  // 2 + 4 one-hot, MonthlyCharges, TotalCharges
    [InlineData("usage", 6503, 26, false)]    // 2 + 8 × 3 one-hot
    public void Load_PartyFile_HasItsRowsAndFeaturesAndOnlyTheGuestHasLabels(string party, int rows, int features, bool labels)
    {
        var table = Load(party);

        Assert.Equal(rows, table.Rows);
        Assert.Equal(0, table.Duplicates);
        Assert.Equal(features, table.Features.Columns);
        Assert.Equal(rows, table.Features.Rows);
        Assert.Equal(labels, table.Labels is not null);
        Assert.Equal(labels ? rows : 0, table.Labels?.Length ?? 0);
    }

    [Fact]
    public void Align_ThreePartiesOnTheirIntersection_EveryRowIsTheSameCustomerAsInTheOriginal()
    {
        // Arrange
        var tables = ChurnParties.Names.Select(Load).ToArray();
        var shared = tables.Skip(1).Aggregate(tables[0].Ids.ToHashSet(StringComparer.Ordinal), (set, t) => { set.IntersectWith(t.Ids); return set; });
        var order = VerticalTable.CanonicalOrder(shared, PsiIdOptions.Default);
        var original = TableReader.Read(ChurnParties.OriginalTable, DataSchema.Load(ChurnParties.OriginalSchema));
        var originalRow = original.Ids("customerID").Select((id, row) => (id, row)).ToDictionary(p => p.id, p => p.row, StringComparer.Ordinal);

        // Act
        var aligned = tables.Select(t => t.Align(order)).ToArray();
        var labels = tables[0].AlignLabels(order);

        // Assert: the label, one categorical column per party and MonthlyCharges, read back from the aligned rows.
        Assert.Equal(Intersection, order.Count);
        Assert.All(aligned, a => Assert.Equal(Intersection, a.Rows));
        var checks = new[] { (Party: 0, Column: "Contract"), (Party: 1, Column: "PaymentMethod"), (Party: 2, Column: "InternetService") }
            .Select(c => (c.Party, c.Column, First: aligned[c.Party].FeatureNames.ToList().IndexOf($"{c.Column}={original.Schema.Find(c.Column)!.Categories[0]}"),
                Count: original.Schema.Find(c.Column)!.Categories.Count))
            .ToArray();
        // MonthlyCharges is standardised with the mean and std of the payments party's own 6,487 rows.
        var charges = original.Numeric("MonthlyCharges");
        var own = tables[1].Ids.Select(id => charges[originalRow[id]]).ToArray();
        var (mean, std) = (own.Average(), Math.Sqrt(own.Average(x => x * x) - (own.Average() * own.Average())));
        var chargesFeature = aligned[1].FeatureNames.ToList().IndexOf("MonthlyCharges");
        for (var i = 0; i < order.Count; i++)
        {
            var row = originalRow[order[i]];
            Assert.Equal(original.Labels[row], labels[i]);
            Assert.Equal((charges[row] - mean) / std, aligned[1].Row(i)[chargesFeature], 1e-4);
            foreach (var (party, column, first, count) in checks)
            {
                Assert.Equal(original.Categorical(column)[row], aligned[party].Row(i).Slice(first, count).IndexOf(1f));
            }
        }
    }

    [Fact]
    public void Psi_ThreePartyTables_RowsItReportsGiveEveryPartyTheSameCanonicalOrder()
    {
        // Arrange: telecom is the guest, as in samples/configs/churn-vertical.json.
        var tables = ChurnParties.Names.Select(Load).ToArray();
        using var session = new PsiSession(AlignmentMode.RevealToAll, tables[0].Ids, [tables[1].Ids, tables[2].Ids], batchSize: 4096);

        // Act
        var outcome = session.Run();
        var guestOrder = VerticalTable.CanonicalOrder(outcome.GuestRows.Select(r => tables[0].Ids[r]), PsiIdOptions.Default);
        var hostOrders = outcome.HostRows.Select((rows, h) => VerticalTable.CanonicalOrder(rows.Select(r => tables[h + 1].Ids[r]), PsiIdOptions.Default)).ToArray();

        // Assert
        Assert.Equal(Intersection, outcome.Guest.Intersection);
        Assert.Equal(Intersection, guestOrder.Count);
        Assert.All(hostOrders, order => Assert.Equal(guestOrder, order));
    }

    private static VerticalTable Load(string party) => VerticalTable.Load(ChurnParties.Table(party), ChurnParties.Schema(party));
}
