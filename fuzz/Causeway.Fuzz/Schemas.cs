namespace Causeway.Fuzz;

/// <summary>
/// The schemas the CSV target reads with: the samples' own (embedded from samples/) and one that turns on every
/// feature pipeline (scaling, ranges, indicators, bins, quoting, a regression label), each with a few real rows.
/// </summary>
internal static class Schemas
{
    /// <summary>Every schema, in the order the CSV target's first input byte selects them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["adult", "heart", "sentiment", "occupancy", "churn", "features"];

    private const string Features = """
        {
          "format": { "delimiter": ",", "header": true, "quoted": true, "trimWhitespace": true, "missingValues": ["", "NA"],
                      "skipLinesStartingWith": ["#"] },
          "columns": [
            { "name": "id", "type": "id" },
            { "name": "a", "type": "numeric", "scale": "minmax", "range": [0, 100], "missing": "impute-constant", "fill": 5, "indicator": true },
            { "name": "b", "type": "numeric", "bins": { "count": 4, "method": "quantile", "resolution": 16 }, "range": [-10, 10], "missing": "impute-mean" },
            { "name": "c", "type": "numeric", "bins": { "count": 3, "method": "equal-width" }, "range": [0, 1], "missing": "drop-row" },
            { "name": "d", "type": "numeric", "scale": "none", "missing": "impute-zero" },
            { "name": "colour", "type": "categorical", "categories": ["red", "green", "blue"], "unknown": "zero", "missing": "impute-zero" },
            { "name": "note", "type": "text", "features": 16, "weighting": "tfidf" },
            { "name": "skip", "type": "ignore" },
            { "name": "y", "type": "label", "regression": true }
          ],
          "missing": "reject"
        }
        """;

    private static readonly Dictionary<string, string> Rows = new(StringComparer.Ordinal)
    {
        ["adult"] = """
            39, State-gov, 77516, Bachelors, 13, Never-married, Adm-clerical, Not-in-family, White, Male, 2174, 0, 40, United-States, <=50K
            50, Self-emp-not-inc, 83311, Bachelors, 13, Married-civ-spouse, Exec-managerial, Husband, White, Male, 0, 0, 13, United-States, <=50K
            28, Private, 338409, Bachelors, 13, Married-civ-spouse, Prof-specialty, Wife, Black, Female, 0, 0, 40, Cuba, >50K
            |1x3 Cross validator

            """,
        ["heart"] = """
            63.0,1.0,1.0,145.0,233.0,1.0,2.0,150.0,0.0,2.3,3.0,0.0,6.0,0
            67.0,1.0,4.0,160.0,286.0,0.0,2.0,108.0,1.0,1.5,2.0,3.0,3.0,2
            53.0,0.0,3.0,128.0,216.0,0.0,2.0,115.0,0.0,0.0,1.0,0.0,?,0

            """,
        ["sentiment"] = "site\tsentence\tlabel\namazon\tSo there is no way for me to plug it in here in the US unless I go by a converter.\t0\n"
            + "amazon\tGood case, Excellent value.\t1\nyelp\t\"Quoted\" text stays as it is.\t1\n",
        ["occupancy"] = """
            site,date,Temperature,Humidity,Light,CO2,HumidityRatio,Occupancy
            datatraining,2015-02-04 17:51:00,23.18,27.272,426,721.25,0.00479298817650529,1
            datatraining,2015-02-04 17:51:59,23.15,27.2675,429.5,714,0.00478344094931065,1
            datatraining,2015-02-04 18:07:00,22.945,27.39,0,702.5,0.0047,0
            other,2015-02-04 17:55:00,23.1,27.2,426,704.5,0.00475699293331518,1

            """,
        ["churn"] = """
            customerID,gender,SeniorCitizen,Partner,Dependents,tenure,PhoneService,MultipleLines,InternetService,OnlineSecurity,OnlineBackup,DeviceProtection,TechSupport,StreamingTV,StreamingMovies,Contract,PaperlessBilling,PaymentMethod,MonthlyCharges,TotalCharges,Churn
            7590-VHVEG,Female,0,Yes,No,1,No,No phone service,DSL,No,Yes,No,No,No,No,Month-to-month,Yes,Electronic check,29.85,29.85,No
            3668-QPYBK,Male,0,No,No,2,Yes,No,DSL,Yes,Yes,No,No,No,No,Month-to-month,Yes,Mailed check,53.85,108.15,Yes

            """,
        ["features"] = """
            # every pipeline at once
            id,a,b,c,d,colour,note,skip,y
            r1,12.5,-3,0.25,7,red,"a short, quoted note",x,1.5
            r2,NA,4.5,0.5,,purple,"two ""quotes"" and
            a line break",,-2
            r3,99,,0.75,1e3,blue,plain,,0

            """,
    };

    /// <summary>The schema's JSON text.</summary>
    public static string Text(string name)
    {
        if (name == "features")
        {
            return Features;
        }

        using var stream = typeof(Schemas).Assembly.GetManifestResourceStream($"schemas/{name}.json")
            ?? throw new ArgumentException($"No embedded schema '{name}'.", nameof(name));
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>A few real rows in the schema's format (a header when it has one).</summary>
    public static string SampleRows(string name) => Rows[name];
}
