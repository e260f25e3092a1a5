using System.Runtime.CompilerServices;

// The storage tests hold a round's transaction open through the stores' internal BeforeCommit seam.
[assembly: InternalsVisibleTo("Causeway.EndToEnd.Tests")]
