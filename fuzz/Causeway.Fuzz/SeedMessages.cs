using Causeway.Core.Data;
using Causeway.Core.Serialization;
using Causeway.Core.Tensors;
using Causeway.Federation.Horizontal.Protection;
using Causeway.Privacy.SecureAggregation;
using Causeway.Protocol;
using Google.Protobuf;
using V1 = Causeway.Protocol.V1;

namespace Causeway.Fuzz;

/// <summary>Valid messages written by the code's own serializers: the seeds the mutators start from.</summary>
internal static class SeedMessages
{
    /// <summary>The task whose delta the push target expects; its layout is <see cref="Layout"/>.</summary>
    public const string TrainTaskId = "task-1";

    /// <summary>A small two-tensor model: weights 4×3 and a bias of 3.</summary>
    public static ParameterLayout Layout { get; } = new([new TensorSpec("w", [4, 3]), new TensorSpec("b", [3])]);

    public static ParameterSet Parameters()
    {
        var values = new float[Layout.TotalLength];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (i - 7) * 0.125f;
        }

        return new ParameterSet(Layout, values);
    }

    /// <summary>One message of every protection case: secure aggregation, Paillier and vertical steps.</summary>
    public static IEnumerable<(string Name, V1.ProtocolMessage Message)> ProtocolMessages()
    {
        byte[] key = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];
        yield return ("secagg-advertise", ProtocolMapping.ToProto(new SecureAggregationAdvertise("round-3", 3, 2, 15, 65536, 10, 1)));
        yield return ("secagg-keys", ProtocolMapping.ToProto(new SecureAggregationKeys(new AdvertisedKeys(1, key, key))));
        yield return ("secagg-share-keys", ProtocolMapping.ToProto(new SecureAggregationShareKeys(new KeyDirectory([new AdvertisedKeys(0, key, key), new AdvertisedKeys(1, key, key)]))));
        yield return ("secagg-shares", ProtocolMapping.ToProto(new SecureAggregationShares(new ShareBundle(1, [new EncryptedShare(1, 0, key), new EncryptedShare(1, 2, key)]))));
        yield return ("secagg-mask", ProtocolMapping.ToProto(new SecureAggregationMask(new ShareDelivery(2, [new EncryptedShare(0, 2, key)]), 100)));
        yield return ("secagg-masked", ProtocolMapping.ToProto(new SecureAggregationMasked(new MaskedInput(1, [1, 2, 3, 0xFFFFFFFF]))));
        yield return ("secagg-unmask", ProtocolMapping.ToProto(new SecureAggregationUnmask(new UnmaskingRequest([0, 2]))));
        yield return ("secagg-unmasked", ProtocolMapping.ToProto(new SecureAggregationUnmasked(
            new UnmaskingResponse(1, [new RevealedShare(0, SecretKind.SelfMaskSeed, [1, 2]), new RevealedShare(2, SecretKind.MaskPrivateKey, [3])]))));
        yield return ("paillier-key-request", ProtocolMapping.ToProto(new PaillierKeyRequest(2048)));
        yield return ("paillier-key", ProtocolMapping.ToProto(new PaillierPublicKeyReply(key)));
        yield return ("paillier-encrypt", ProtocolMapping.ToProto(new PaillierEncrypt(key, 50)));
        yield return ("paillier-ciphertexts", ProtocolMapping.ToProto(new PaillierCiphertexts(2, 3, [key, key])));
        yield return ("paillier-decrypt", ProtocolMapping.ToProto(new PaillierCiphertexts(2, 3, [key, key], Decrypt: true)));
        yield return ("paillier-sum", ProtocolMapping.ToProto(new PaillierDecryptedSum([1.5, -2.25])));
        foreach (var (name, vertical) in VerticalMessages())
        {
            yield return ($"vertical-{name}", new V1.ProtocolMessage { Vertical = vertical });
        }
    }

    private static IEnumerable<(string Name, V1.VerticalMessage Message)> VerticalMessages()
    {
        var salt = ByteString.CopyFrom([9, 8, 7, 6]);
        yield return ("psi-open", new() { PsiOpen = new V1.VerticalPsiOpen { Job = "j", Host = 0, Hosts = 2, Salt = salt, Mode = V1.PsiMode.RevealToAll, BatchSize = 64 } });
        yield return ("psi-pull", new() { PsiPull = new V1.VerticalPsiPull { Job = "j", Stream = V1.PsiStreamKind.PsiStreamGuestPoints, Host = 1 } });
        var batch = new V1.PsiBatchMessage { SessionId = "j", Host = 0, Stream = V1.PsiStreamKind.PsiStreamHostPoints, Index = 2, Last = true, Payload = salt };
        yield return ("psi-push", new() { PsiPush = batch });
        yield return ("psi-finish", new() { PsiFinish = new V1.VerticalJobRef { Job = "j" } });
        yield return ("psi-reply", new() { PsiReply = new V1.VerticalPsiReply { Batches = { batch }, Ids = 10, Intersection = 4 } });
        yield return ("linear-open", new()
        {
            LinearOpen = new V1.VerticalLinearOpen
            {
                Job = "j", Role = V1.VerticalRole.Host, Host = 0, Loss = V1.VerticalLossKind.VerticalLossTaylorLogistic,
                Encryption = V1.VerticalEncryptionKind.VerticalEncryptionArbiter, Epochs = 2, BatchSize = 16, LearningRate = 0.1, Seed = 1,
                KeyBits = 1024, PublicKey = salt, HoldoutSeed = 3, HoldoutFraction = 0.25,
            },
        });
        yield return ("training-opened", new() { TrainingOpened = new V1.VerticalTrainingOpened { TrainRows = 10, TestRows = 3, Features = 4, PublicKey = salt } });
        var values = new V1.VerticalLinearValues
        {
            Kind = V1.VerticalValuesKind.VerticalValuesPartialScores, Batch = 1, Host = 0, Scale = 1, Plain = { 0.5, -1 },
            Ciphertexts = { salt }, Integers = { ByteString.CopyFrom([1, 0]) },
        };
        yield return ("linear-step", new()
        {
            LinearStep = new V1.VerticalLinearStep { Job = "j", Kind = V1.VerticalLinearStepKind.VerticalLinearStepScores, Epoch = 0, Index = 1, Batch = 1, Inputs = { values } },
        });
        yield return ("linear-values", new() { LinearValues = values });
        yield return ("linear-score-ids", new() { LinearScoreIds = new V1.VerticalLinearScoreIds { Job = "j", Ids = { "a", "b" }, Inputs = { values } } });
        yield return ("split-open", new()
        {
            SplitOpen = new V1.VerticalSplitOpen
            {
                Job = "j", Role = V1.VerticalRole.Guest, Party = 0, Parties = 2, Hidden = { 8 }, Embedding = 4, TopHidden = 4, Epochs = 1,
                BatchSize = 8, LearningRate = 0.05, Seed = 2, HoldoutSeed = 1, HoldoutFraction = 0.2,
            },
        });
        var split = new V1.VerticalSplitValues { Party = 1, Batch = 2, Width = 2, Values = { 0.5f, 1, -1, 2 } };
        yield return ("split-step", new()
        {
            SplitStep = new V1.VerticalSplitStep { Job = "j", Kind = V1.VerticalSplitStepKind.VerticalSplitStepForward, Epoch = 0, Index = 0, Batch = 2, Inputs = { split } },
        });
        yield return ("split-values", new() { SplitValues = split });
        yield return ("split-reply", new() { SplitReply = new V1.VerticalSplitReply { Values = { split } } });
        yield return ("held-out-scores", new() { HeldOutScores = new V1.VerticalHeldOutScores { Rows = 10, Accuracy = 0.8, Auc = 0.9, Loss = 0.4 } });
    }

    /// <summary>The run setup and data description of the adult sample schema, with statistics of a two-row table.</summary>
    public static (string SchemaJson, FeatureStatistics Statistics) Description(string schemaName = "adult")
    {
        var schemaJson = Schemas.Text(schemaName);
        var schema = DataSchema.Parse(schemaJson, schemaName);
        using var reader = new StringReader(Schemas.SampleRows(schemaName));
        var table = TableReader.Read(reader, schemaName, schema);
        return (schemaJson, FeatureStatistics.Compute(table));
    }

    public static string StatisticsJson(FeatureStatistics statistics) => FeatureStatisticsJson.Serialize(statistics);
}
