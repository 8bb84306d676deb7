namespace Dialer.Core.Notices;

/// <summary>How a contract type ends: by itself on its planned date, only by a cessation, or either.</summary>
public enum ContractDuration
{
    /// <summary>No "determinato/indeterminato" in the code (e.g. intermittent, internship): a planned end applies if given.</summary>
    Unspecified,
    /// <summary>Tempo determinato: ends on its planned date with no cessation notice (docs/domain.md §2.4).</summary>
    FixedTerm,
    /// <summary>Tempo indeterminato and apprenticeships: open until a cessation.</summary>
    Permanent,
}

/// <summary>A tipologia contrattuale; <c>ValidUntil</c> is the first day it may no longer be used (null while open).</summary>
public sealed record ContractType(string Code, string Description, DateOnly ValidFrom, DateOnly? ValidUntil)
{
    public ContractDuration Duration { get; } =
        Description.Contains("TEMPO INDETERMINATO", StringComparison.Ordinal) || Description.StartsWith("APPRENDISTATO", StringComparison.Ordinal)
            ? ContractDuration.Permanent
            : Description.Contains("TEMPO DETERMINATO", StringComparison.Ordinal) ? ContractDuration.FixedTerm : ContractDuration.Unspecified;

    public bool IsValidOn(DateOnly day) => day >= ValidFrom && (ValidUntil is null || day < ValidUntil);
}

/// <summary>
/// The tipologie contrattuali (ANPAL TAB_RAPPORTILAVORO, docs/contract-types.txt) with their validity,
/// so that historical notices with closed codes are still accepted on their dates (docs/domain.md §1.4).
/// </summary>
public static class ContractTypes
{
    public const string Permanent = "A.01.00";
    public const string FixedTerm = "A.02.00";

    public static IReadOnlyDictionary<string, ContractType> All { get; } = new ContractType[]
    {
        new("A.01.00", "LAVORO A TEMPO INDETERMINATO", new(2007, 6, 21), null),
        new("A.02.00", "LAVORO A TEMPO DETERMINATO", new(2007, 6, 21), null),
        new("A.02.01", "LAVORO A TEMPO DETERMINATO  PER SOSTITUZIONE", new(2007, 6, 21), null),
        new("A.03.00", "APPRENDISTATO EX ART.16 L. 196/97", new(2007, 6, 21), new(2012, 4, 25)),
        new("A.03.01", "APPRENDISTATO PER L'ESPLETAMENTO DEL DIRITTO DOVERE DI ISTRUZIONE FORMAZIONE", new(2007, 6, 21), new(2012, 4, 25)),
        new("A.03.02", "APPRENDISTATO PROFESSIONALIZZANTE", new(2007, 6, 21), new(2012, 4, 25)),
        new("A.03.03", "APPRENDISTATO PER L'ACQUISIZIONE DI DIPLOMA O PER PERCORSI DI ALTA FORMAZIONE", new(2007, 6, 21), new(2012, 4, 25)),
        new("A.03.04", "CONTRATTO DI FORMAZIONE LAVORO (SOLO PUBBLICA AMMINISTRAZIONE)", new(2007, 6, 21), null),
        new("A.03.07", "CONTRATTO DI INSERIMENTO LAVORATIVO", new(2007, 6, 21), new(2013, 1, 10)),
        new("A.03.08", "APPRENDISTATO PER LA QUALIFICA PROFESSIONALE E PER IL DIPLOMA PROFESSIONALE", new(2012, 4, 26), null),
        new("A.03.09", "APPRENDISTATO PROFESSIONALIZZANTE O CONTRATTO DI MESTIERE", new(2012, 4, 26), null),
        new("A.03.10", "APPRENDISTATO DI ALTA FORMAZIONE E RICERCA", new(2012, 4, 26), null),
        new("A.03.14", "APPRENDISTATO PROFESSIONALIZZANTE O CONTRATTO DI MESTIERE PER LAVORATORI STAGIONALI", new(2012, 4, 26), null),
        new("A.04.00", "LAVORO DOMESTICO A TEMPO INDETERMINATO", new(2007, 6, 21), new(2013, 1, 10)),
        new("A.04.01", "LAVORO DOMESTICO A TEMPO DETERMINATO", new(2007, 6, 21), new(2013, 1, 10)),
        new("A.04.02", "LAVORO DOMESTICO", new(2013, 1, 10), null),
        new("A.05.00", "LAVORO INTERMITTENTE  A TEMPO INDETERMINATO", new(2007, 6, 21), new(2013, 1, 10)),
        new("A.05.01", "LAVORO INTERMITTENTE A TEMPO DETERMINATO", new(2007, 6, 21), new(2013, 1, 10)),
        new("A.05.02", "LAVORO INTERMITTENTE", new(2013, 1, 10), null),
        new("A.06.00", "LAVORO INTERINALE (O A SCOPO DI SOMMINISTRAZIONE) A TEMPO INDETERMINATO", new(2007, 6, 21), new(2013, 1, 10)),
        new("A.06.01", "LAVORO INTERINALE (O A SCOPO DI SOMMINISTRAZIONE) A TEMPO DETERMINATO", new(2007, 6, 21), new(2013, 1, 10)),
        new("A.07.00", "LAVORO RIPARTITO A TEMPO INDETERMINATO", new(2007, 6, 21), new(2013, 1, 10)),
        new("A.07.01", "LAVORO RIPARTITO A TEMPO DETERMINATO", new(2008, 2, 25), new(2013, 1, 10)),
        new("A.07.02", "LAVORO RIPARTITO", new(2013, 1, 10), null),
        new("A.08.00", "LAVORO A DOMICILIO A TEMPO INDETERMINATO", new(2007, 6, 21), new(2013, 1, 10)),
        new("A.08.01", "LAVORO A DOMICILIO A TEMPO DETERMINATO", new(2007, 6, 21), new(2013, 1, 10)),
        new("A.08.02", "LAVORO A DOMICILIO", new(2013, 1, 10), null),
        new("B.01.00", "LAVORO A PROGETTO / COLLABORAZIONE COORDINATA E CONTINUATIVA", new(2007, 6, 21), new(2016, 2, 1)),
        new("B.02.00", "LAVORO OCCASIONALE", new(2007, 6, 21), new(2016, 2, 1)),
        new("B.03.00", "COLLABORAZIONE COORDINATA E CONTINUATIVA", new(2016, 2, 1), null),
        new("C.01.00", "TIROCINIO", new(2007, 6, 21), null),
        new("C.02.00", "TIROCINIO ESTIVO DI ORIENTAMENTO", new(2007, 6, 21), new(2009, 3, 15)),
        new("C.04.00", "CONTRATTI DI BORSA LAVORO E ALTRE WORK EXPERIENCES", new(2014, 1, 10), null),
        new("F.01.00", "LAVORO MARITTIMO A TEMPO INDETERMINATO", new(2007, 6, 21), new(2013, 1, 10)),
        new("F.02.00", "LAVORO MARITTIMO A TEMPO DETERMINATO", new(2007, 6, 21), new(2013, 1, 10)),
        new("G.01.00", "LAVORO NELLO SPETTACOLO A TEMPO INDETERMINATO", new(2007, 6, 21), new(2013, 1, 10)),
        new("G.02.00", "LAVORO NELLO SPETTACOLO A TEMPO DETERMINATO", new(2007, 6, 21), new(2013, 1, 10)),
        new("G.03.00", "LAVORO AUTONOMO NELLO SPETTACOLO", new(2009, 3, 15), null),
        new("H.01.00", "LAVORO IN AGRICOLTURA A TEMPO DETERMINATO", new(2007, 6, 21), new(2009, 3, 15)),
        new("H.02.00", "LAVORO CONGIUNTO IN AGRICOLTURA", new(2015, 1, 7), null),
        new("I.01.00", "LAVORO DIPENDENTE NELLA P.A. A TEMPO INDETERMINATO", new(2007, 6, 21), new(2013, 1, 10)),
        new("I.02.00", "LAVORO DIPENDENTE NELLA P.A. A TEMPO DETERMINATO", new(2007, 6, 21), new(2013, 1, 10)),
        new("L.01.00", "ASSOCIAZIONE IN PARTECIPAZIONE A TEMPO INDETERMINATO", new(2007, 6, 21), new(2013, 1, 10)),
        new("L.01.01", "ASSOCIAZIONE IN PARTECIPAZIONE A TEMPO DETERMINATO", new(2008, 2, 25), new(2013, 1, 10)),
        new("L.02.00", "ASSOCIAZIONE IN PARTECIPAZIONE", new(2013, 1, 10), null),
        new("M.01.00", "CONTRATTO DI AGENZIA A TEMPO INDETERMINATO", new(2008, 5, 26), new(2013, 1, 10)),
        new("M.01.01", "CONTRATTO DI AGENZIA A TEMPO DETERMINATO", new(2008, 5, 26), new(2013, 1, 10)),
        new("M.02.00", "CONTRATTO DI AGENZIA", new(2013, 1, 10), null),
        // Listed as open in docs/domain.md §1.4 but absent from docs/contract-types.txt; dated like the 2007 codes.
        new("C.03.00", "LSU/ASU (LAVORI SOCIALMENTE UTILI)", new(2007, 6, 21), null),
    }.ToDictionary(t => t.Code, StringComparer.Ordinal);

    public static ContractType? Find(string code) => All.GetValueOrDefault(code);
}
