using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Dialer.Core.Notices;

/// <summary>
/// What a first load (an import into an empty store) derives from its notices and contacts: the chains of corrections
/// and cancellations (<c>notice_revisions</c>), the spells, the people and their contacts. Worked out in this process
/// as the notices stream past, then COPYed in key order; an increment derives the same with the SQL of
/// <see cref="NoticeIngest"/>, and a test holds the two to the same rows, table by table.
/// </summary>
/// <remarks>
/// Why not SQL here too: for 1,000,000 notices those statements took ~11 s of one server core (hash aggregates of
/// text arrays, a sort per derived table). This takes about a second, while the server builds the notices' keys, and
/// COPYing what it derives ~2.5 s.
/// What is kept holds no object references: codes and codici fiscali as <see cref="CodeKey"/>s, every other text as
/// a number in a table of distinct values. A million notices then cost ~230 bytes each in a few large arrays that
/// the garbage collector never has to scan; with strings in them, its pauses took 3.3 s of a 7 s parse.
/// The rules and orders are those of the SQL: text compares by code point (the SQL's <c>COLLATE "C"</c>), a missing
/// data invio sorts below any time, dates and times compare as stored (microseconds).
/// </remarks>
sealed class FirstLoadState
{
    const int ChunkBits = 16;
    const int ChunkSize = 1 << ChunkBits;
    const byte Original = 0, Correction = 3, Cancellation = 4;
    const long NoTime = long.MinValue;
    // text ids: 0 is "none" (NULL)
    const int None = 0;

    readonly List<Row[]> chunks = [];
    int count;
    Person[] people = new Person[1 << 12];
    int personCount;
    readonly Dictionary<UInt128, int> personIndex = [];
    ContactRow[] contacts = new ContactRow[1 << 12];
    int contactCount;
    readonly List<string?> texts = [null];
    readonly Dictionary<string, int> textIds = new(StringComparer.Ordinal);
    long textBytes;
    readonly int co, mobile, permanentTransformation;
    readonly List<Revision> revisions = [];
    readonly List<Spell> spells = [];
    int[] byRank = [];

    public FirstLoadState()
    {
        co = Text(nameof(ContactSource.CO));
        mobile = Text(NoticeIngest.KindName(PhoneNumbers.PhoneKind.ItalianMobile));
        permanentTransformation = Text("DI");
    }

    /// <summary>
    /// What the state holds so far, roughly: its arrays as allocated, the people's index and the distinct texts.
    /// Completing it adds the chains, spells and orders, and the process around it peaks higher still (see
    /// <see cref="NoticeIngest"/>'s memory limit).
    /// </summary>
    public long ApproximateBytes =>
        (long)chunks.Count * ChunkSize * Unsafe.SizeOf<Row>()
        + (long)people.Length * Unsafe.SizeOf<Person>()
        + (long)contacts.Length * Unsafe.SizeOf<ContactRow>()
        // a dictionary entry: the key, the value, the hash and the next index, and the bucket
        + (long)personIndex.Count * (Unsafe.SizeOf<UInt128>() + 16)
        + textBytes;

    public int Notices => count;

    public long Imported { get; private set; }
    public long Corrected { get; private set; }
    public long Cancelled { get; private set; }
    public int People => personCount;

    /// <summary>A stored notice, with what its chain, its spell and its person's facts need.</summary>
    struct Row
    {
        public UInt128 Code;
        // the chain's root: the code itself for an original, else the code pointed at (re-rooted in ResolveChains)
        public UInt128 Root;
        public long Sent;
        public int Person;
        public byte Kind;
        public NoticeEvent Event;
        public bool Permanent;
        public bool Effective;
        public int EmployerCf, EmployerName, ContractType, OccupationCode, SectorCode, TransformationCode, CessationCause;
        public DateOnly StartOn;
        public DateOnly? PlannedEndOn, ExtensionEndOn, TransformationOn, CessationOn;
    }

    struct Person
    {
        public UInt128 Cf;
        public bool Provisional;
        // who they are: the latest notice (by data invio, then code); without one, the code itself
        public bool FromNotice;
        public long FactsSent;
        public UInt128 FactsCode;
        public int Sex, BirthPlace, Surname, Name, Domicile;
        public DateOnly? BirthOn;
        // a contact-only code is decoded as of its first contact's date, as staging decodes it
        public DateOnly FirstContactOn;
        // their numbers: a list through ContactRow.Next, -1 at the end
        public int Contacts;
        public int Successor;
        // the spell summary, and the best Italian mobile of everyone they own (themselves and linked codes)
        public bool OpenSpell;
        public DateOnly? LastStartOn, LastEndOn;
        // indexes into spells and contacts, -1 for none
        public int LastSpell;
        public int Mobile;
    }

    struct ContactRow
    {
        public int Source, Phone, Kind;
        public short Priority;
        public DateOnly SeenOn;
        public int Next;
    }

    readonly record struct Revision(UInt128 Root, UInt128? Chosen, bool Cancelled, bool HasRoot);

    struct Spell
    {
        public int Person;
        public int EmployerCf, EmployerName, ContractType, OccupationCode, SectorCode, CessationCause;
        public DateOnly StartOn;
        public bool Hired, Ended, Term;
        public DateOnly? PlannedEndOn, ExtensionEndOn, PermanentOn, CessationOn, EffectiveEndOn;
    }

    public void Add(Notice n)
    {
        var p = PersonOf(n.WorkerCf);
        ref var person = ref people[p];
        var sent = n.SentAt is { } at ? CopyRowWriter.Microseconds(at) : NoTime;
        var code = CodeKey.Pack(n.Code);
        if (!person.FromNotice || Later(sent, code, person.FactsSent, person.FactsCode))
        {
            person.FromNotice = true;
            person.FactsSent = sent;
            person.FactsCode = code;
            person.Sex = Text(NoticeIngest.SexCode(n.Sex));
            person.BirthOn = n.BirthDate;
            person.BirthPlace = Text(n.BirthPlace);
            person.Surname = Text(n.Surname);
            person.Name = Text(n.Name);
            person.Domicile = Text(n.DomicileComune);
        }
        if (n.Phone.E164 is { } phone)
        {
            // the day the number was seen: the day the notice was sent, in Italy, else its start
            var seen = n.SentAt is { } s
                ? DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(new DateTime(s.Ticks - s.Ticks % TimeSpan.TicksPerMicrosecond, DateTimeKind.Utc), ItalianTime.Rome))
                : n.StartOn;
            AddContact(ref person, co, Text(phone), Text(NoticeIngest.KindName(n.Phone.Kind)), (short)ContactSource.CO, seen);
        }

        var kind = n.CommunicationType switch { "03" => Correction, "04" => Cancellation, _ => Original };
        if (kind == Correction) Corrected++;
        else if (kind == Cancellation) Cancelled++;
        else Imported++;
        if ((count & (ChunkSize - 1)) == 0) chunks.Add(new Row[ChunkSize]);
        chunks[^1][count & (ChunkSize - 1)] = new Row
        {
            Code = code,
            Root = kind == Original ? code : CodeKey.Pack(n.PreviousCode!),
            Sent = sent,
            Person = p,
            Kind = kind,
            Event = n.Event,
            Permanent = n.PermanentContract,
            Effective = kind == Original,
            EmployerCf = Text(n.EmployerCf),
            EmployerName = Text(n.EmployerName),
            ContractType = Text(n.ContractType),
            OccupationCode = Text(n.OccupationCode),
            SectorCode = Text(n.SectorCode),
            TransformationCode = Text(n.TransformationCode),
            CessationCause = Text(n.CessationCause),
            StartOn = n.StartOn,
            PlannedEndOn = n.PlannedEndOn,
            ExtensionEndOn = n.ExtensionEndOn,
            TransformationOn = n.TransformationOn,
            CessationOn = n.CessationOn,
        };
        count++;
    }

    public void Add(Contact c)
    {
        var p = PersonOf(c.Cf);
        ref var person = ref people[p];
        if (person.Contacts < 0 && !person.FromNotice) person.FirstContactOn = c.SeenOn;
        AddContact(ref person, Text(c.Source.ToString()), Text(c.Phone.E164), Text(NoticeIngest.KindName(c.Phone.Kind)), (short)c.Source, c.SeenOn);
    }

    ref Row At(int i) => ref chunks[i >> ChunkBits][i & (ChunkSize - 1)];

    int PersonOf(string cf)
    {
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(personIndex, CodeKey.Pack(cf), out var exists);
        if (exists) return slot;
        if (personCount == people.Length) Array.Resize(ref people, people.Length * 2);
        slot = personCount;
        people[personCount] = new Person
        {
            Cf = CodeKey.Pack(cf), Provisional = CodiceFiscale.IsProvisional(cf), Contacts = -1, Successor = -1, LastSpell = -1, Mobile = -1,
        };
        return personCount++;
    }

    int Text(string? value)
    {
        if (value is null) return None;
        ref var id = ref CollectionsMarshal.GetValueRefOrAddDefault(textIds, value, out var exists);
        if (!exists)
        {
            id = texts.Count;
            texts.Add(value);
            // the string (header, length, UTF-16), its list slot and its dictionary entry
            textBytes += 22 + 2L * value.Length + 8 + 24;
        }
        return id;
    }

    // By code point, a missing text (NULL) above any, as in the SQL's arrays.
    int CompareTexts(int a, int b) =>
        a == b ? 0 : a == None ? 1 : b == None ? -1 : string.CompareOrdinal(texts[a], texts[b]);

    // One row per person, source and number: the strongest kind and priority, the latest day seen.
    void AddContact(ref Person person, int source, int phone, int kind, short priority, DateOnly seen)
    {
        for (var c = person.Contacts; c >= 0; c = contacts[c].Next)
        {
            ref var row = ref contacts[c];
            if (row.Source != source || row.Phone != phone) continue;
            if (CompareTexts(kind, row.Kind) > 0) row.Kind = kind;
            row.Priority = Math.Min(row.Priority, priority);
            if (seen > row.SeenOn) row.SeenOn = seen;
            return;
        }
        if (contactCount == contacts.Length) Array.Resize(ref contacts, contacts.Length * 2);
        contacts[contactCount] = new ContactRow { Source = source, Phone = phone, Kind = kind, Priority = priority, SeenOn = seen, Next = person.Contacts };
        person.Contacts = contactCount++;
    }

    // "Sent later": by data invio (a missing one first), then by code.
    static bool Later(long sent, UInt128 code, long otherSent, UInt128 otherCode) =>
        sent != otherSent ? sent > otherSent : code > otherCode;

    /// <summary>Works out chains, links, spells, the people's summaries and mobiles, once every notice is added.</summary>
    public void Complete()
    {
        ResolveChains();
        Link();
        Rank();
        BuildSpells();
        ChooseMobiles();
    }

    /// <summary>
    /// The chains, as the merge resolves them: every correction and cancellation re-rooted at the original (pass by
    /// pass, at most 16, each seeing the roots as the pass before left them), then per chain: any cancellation
    /// retracts it, otherwise the latest correction (by data invio, then code) replaces the original.
    /// </summary>
    void ResolveChains()
    {
        var corrections = new List<int>();
        // the notices a chain can hold: its members point at codes in here
        var byCode = new Dictionary<UInt128, int>();
        for (var i = 0; i < count; i++)
        {
            ref var row = ref At(i);
            if (row.Kind == Original) continue;
            corrections.Add(i);
            byCode.TryAdd(row.Root, -1);
        }
        if (corrections.Count == 0) return;
        for (var i = 0; i < count; i++)
        {
            ref var slot = ref CollectionsMarshal.GetValueRefOrNullRef(byCode, At(i).Code);
            if (!Unsafe.IsNullRef(ref slot)) slot = i;
        }

        var changes = new List<(int Row, UInt128 Root)>();
        for (var pass = 0; pass < 16; pass++)
        {
            changes.Clear();
            foreach (var c in corrections)
            {
                ref var row = ref At(c);
                if (row.Code == row.Root) continue;
                if (byCode.TryGetValue(row.Root, out var p) && p >= 0 && At(p).Root != At(p).Code) changes.Add((c, At(p).Root));
            }
            if (changes.Count == 0) break;
            foreach (var (c, root) in changes) At(c).Root = root;
        }

        var members = new Dictionary<UInt128, List<int>>();
        foreach (var c in corrections)
        {
            ref var row = ref At(c);
            // after re-rooting, a notice that is its own root counts as an original
            row.Effective = row.Code == row.Root;
            if (row.Code == row.Root) continue;
            ref var list = ref CollectionsMarshal.GetValueRefOrAddDefault(members, row.Root, out _);
            (list ??= []).Add(c);
        }
        foreach (var (root, chain) in members)
        {
            // the chain: the notice with the root's code, if it arrived, and every notice re-rooted at it
            var rootRow = byCode.TryGetValue(root, out var r) ? r : -1;
            var cancelled = false;
            var hasRoot = false;
            var chosen = -1;
            foreach (var m in rootRow >= 0 ? chain.Prepend(rootRow) : chain)
            {
                ref var row = ref At(m);
                cancelled |= row.Kind == Cancellation;
                hasRoot |= row.Code == row.Root;
                if (row.Kind != Cancellation && (chosen < 0 || Preferred(m, chosen))) chosen = m;
            }
            UInt128? chosenCode = chosen >= 0 ? At(chosen).Code : null;
            revisions.Add(new Revision(root, chosenCode, cancelled, hasRoot));
            // effective_notices: a notice whose root has a revision counts when it is the chain's chosen one
            foreach (var m in chain) At(m).Effective = hasRoot && !cancelled && At(m).Code == chosenCode;
            if (rootRow >= 0 && At(rootRow).Root == root) At(rootRow).Effective = hasRoot && !cancelled && At(rootRow).Code == chosenCode;
        }
    }

    // A chain's version: corrections before the original, then the latest data invio (a missing one last), then code.
    bool Preferred(int a, int b)
    {
        ref var x = ref At(a);
        ref var y = ref At(b);
        var xOriginal = x.Code == x.Root;
        var yOriginal = y.Code == y.Root;
        if (xOriginal != yOriginal) return !xOriginal;
        return Later(x.Sent, x.Code, y.Sent, y.Code);
    }

    /// <summary>
    /// A provisional code and the one 16-character code with the same surname, name and birth date (and birth place,
    /// when the provisional code's notices give one) are the same person.
    /// </summary>
    void Link()
    {
        var wanted = new Dictionary<(DateOnly, int, int), List<int>?>();
        for (var p = 0; p < personCount; p++)
        {
            if (people[p].Provisional && Identity(ref people[p]) is { } key) wanted.TryAdd(key, null);
        }
        if (wanted.Count == 0) return;
        for (var p = 0; p < personCount; p++)
        {
            if (people[p].Provisional || Identity(ref people[p]) is not { } key) continue;
            ref var list = ref CollectionsMarshal.GetValueRefOrNullRef(wanted, key);
            if (!Unsafe.IsNullRef(ref list)) (list ??= []).Add(p);
        }
        for (var p = 0; p < personCount; p++)
        {
            ref var person = ref people[p];
            if (!person.Provisional || Identity(ref person) is not { } key || wanted[key] is not { } candidates) continue;
            var match = -1;
            var matches = 0;
            foreach (var s in candidates)
            {
                if (person.BirthPlace != None && people[s].BirthPlace != person.BirthPlace) continue;
                match = s;
                matches++;
            }
            if (matches == 1) person.Successor = match;
        }
    }

    static (DateOnly, int, int)? Identity(ref Person person) =>
        person.FromNotice && person.BirthOn is { } birth && person.Surname != None && person.Name != None
            ? (birth, person.Surname, person.Name) : null;

    // Everyone in code-point order of their code: the order the keys are COPYed in.
    void Rank()
    {
        var keys = new UInt128[personCount];
        byRank = new int[personCount];
        for (var p = 0; p < personCount; p++)
        {
            keys[p] = people[p].Cf;
            byRank[p] = p;
        }
        Array.Sort(keys, byRank);
    }

    /// <summary>
    /// One spell per person (a linked provisional code's notices count for its successor), employer and start date,
    /// from the effective notices; in key order, and each person's summary of them as it goes.
    /// </summary>
    void BuildSpells()
    {
        var rankOf = new int[personCount];
        for (var r = 0; r < personCount; r++) rankOf[byRank[r]] = r;
        // employers by their code's order: the key's second part
        var employerIds = new List<int>();
        var seen = new bool[texts.Count];
        var effective = new List<int>(count);
        for (var i = 0; i < count; i++)
        {
            ref var row = ref At(i);
            if (!row.Effective) continue;
            effective.Add(i);
            if (!seen[row.EmployerCf]) employerIds.Add(row.EmployerCf);
            seen[row.EmployerCf] = true;
        }
        employerIds.Sort(CompareTexts);
        var employerRank = new int[texts.Count];
        for (var e = 0; e < employerIds.Count; e++) employerRank[employerIds[e]] = e;

        var rows = effective.ToArray();
        var keys = new UInt128[rows.Length];
        for (var k = 0; k < rows.Length; k++)
        {
            ref var row = ref At(rows[k]);
            keys[k] = ((UInt128)(uint)rankOf[Owner(row.Person)] << 64) | ((UInt128)(uint)employerRank[row.EmployerCf] << 32) | (uint)row.StartOn.DayNumber;
        }
        Array.Sort(keys, rows);

        for (var start = 0; start < rows.Length;)
        {
            var end = start + 1;
            while (end < rows.Length && keys[end] == keys[start]) end++;
            spells.Add(Aggregate(rows.AsSpan(start, end - start)));
            Summarise(spells.Count - 1);
            start = end;
        }
    }

    int Owner(int person) => people[person].Successor >= 0 ? people[person].Successor : person;

    // Effective end (docs/domain.md §2.4): the cessation date; else open if transformed to (or hired as) permanent;
    // else the last extension's end; else the planned end, which a fixed-term job reaches with no cessation notice.
    Spell Aggregate(ReadOnlySpan<int> group)
    {
        int latest = -1, transformed = -1, byHiring = -1, ceased = -1;
        bool hired = false, permanentHire = false;
        DateOnly? plannedByHiring = null, planned = null, extension = null, permanentOn = null, cessation = null;
        foreach (var i in group)
        {
            ref var n = ref At(i);
            // employer name of the latest notice
            if (latest < 0 || Later(n.Sent, n.Code, At(latest).Sent, At(latest).Code)) latest = i;
            // contract type, occupation and sector of the (latest) hiring, else of the latest notice
            if (byHiring < 0 || ByHiring(i, byHiring)) byHiring = i;
            planned = Max(planned, n.PlannedEndOn);
            switch (n.Event)
            {
                case NoticeEvent.Hiring:
                    hired = true;
                    permanentHire |= n.Permanent;
                    plannedByHiring = Max(plannedByHiring, n.PlannedEndOn);
                    break;
                case NoticeEvent.Extension:
                    extension = Max(extension, n.ExtensionEndOn);
                    break;
                case NoticeEvent.Transformation:
                    // contract type after the latest transformation
                    if (transformed < 0 || LaterOn(n.TransformationOn, n.Code, At(transformed).TransformationOn, At(transformed).Code)) transformed = i;
                    if ((n.Permanent || n.TransformationCode == permanentTransformation) && n.TransformationOn is { } on && (permanentOn is null || on < permanentOn))
                        permanentOn = on;
                    break;
                case NoticeEvent.Cessation:
                    cessation = Max(cessation, n.CessationOn);
                    // cause of the latest cessation
                    if (ceased < 0 || LaterOn(n.CessationOn, n.Code, At(ceased).CessationOn, At(ceased).Code)) ceased = i;
                    break;
            }
        }
        ref var first = ref At(group[0]);
        planned = plannedByHiring ?? planned;
        var permanent = permanentOn is not null || permanentHire;
        var termEnd = extension ?? planned;
        return new Spell
        {
            Person = Owner(first.Person),
            EmployerCf = first.EmployerCf,
            StartOn = first.StartOn,
            EmployerName = At(latest).EmployerName,
            ContractType = transformed >= 0 ? At(transformed).ContractType : At(byHiring).ContractType,
            OccupationCode = At(byHiring).OccupationCode,
            SectorCode = At(byHiring).SectorCode,
            Hired = hired,
            PlannedEndOn = planned,
            ExtensionEndOn = extension,
            PermanentOn = permanentOn,
            CessationOn = cessation,
            CessationCause = ceased >= 0 ? At(ceased).CessationCause : None,
            EffectiveEndOn = cessation ?? (permanent ? null : termEnd),
            Ended = cessation is not null,
            Term = cessation is null && !permanent && termEnd is not null,
        };
    }

    // A hiring before any other notice, then the latest data invio, then code.
    bool ByHiring(int a, int b)
    {
        ref var x = ref At(a);
        ref var y = ref At(b);
        var xHiring = x.Event == NoticeEvent.Hiring;
        if (xHiring != (y.Event == NoticeEvent.Hiring)) return xHiring;
        return Later(x.Sent, x.Code, y.Sent, y.Code);
    }

    // Later by a date (a missing one above any, as a NULL element in the SQL's arrays), then by code.
    static bool LaterOn(DateOnly? on, UInt128 code, DateOnly? otherOn, UInt128 otherCode)
    {
        if (on != otherOn) return on is null || (otherOn is not null && on > otherOn);
        return code > otherCode;
    }

    static DateOnly? Max(DateOnly? a, DateOnly? b) => a is null ? b : b is null ? a : a > b ? a : b;

    // The person's latest spell: the open one, else the latest ended, then started, then by contract type and cause.
    void Summarise(int index)
    {
        var all = CollectionsMarshal.AsSpan(spells);
        ref var spell = ref all[index];
        ref var person = ref people[spell.Person];
        person.LastStartOn = Max(person.LastStartOn, spell.StartOn);
        person.LastEndOn = Max(person.LastEndOn, spell.EffectiveEndOn);
        person.OpenSpell |= spell.EffectiveEndOn is null;
        if (person.LastSpell < 0 || LaterSpell(ref spell, ref all[person.LastSpell])) person.LastSpell = index;
    }

    bool LaterSpell(ref Spell a, ref Spell b)
    {
        if (a.EffectiveEndOn != b.EffectiveEndOn) return a.EffectiveEndOn is null || (b.EffectiveEndOn is not null && a.EffectiveEndOn > b.EffectiveEndOn);
        if (a.StartOn != b.StartOn) return a.StartOn > b.StartOn;
        var byType = CompareTexts(a.ContractType, b.ContractType);
        return byType != 0 ? byType > 0 : CompareTexts(a.CessationCause, b.CessationCause) > 0;
    }

    /// <summary>
    /// The best Italian mobile of everyone who owns numbers (a linked provisional code's count for its successor): by
    /// source priority (CPI, SAP, SIISL, CO), then the most recently seen, then the number.
    /// </summary>
    void ChooseMobiles()
    {
        for (var p = 0; p < personCount; p++)
        {
            ref var best = ref people[Owner(p)];
            for (var c = people[p].Contacts; c >= 0; c = contacts[c].Next)
            {
                ref var row = ref contacts[c];
                if (row.Kind != mobile) continue;
                if (best.Mobile >= 0)
                {
                    ref var current = ref contacts[best.Mobile];
                    var better = row.Priority != current.Priority ? row.Priority < current.Priority
                        : row.SeenOn != current.SeenOn ? row.SeenOn > current.SeenOn
                        : CompareTexts(row.Phone, current.Phone) < 0;
                    if (!better) continue;
                }
                best.Mobile = c;
            }
        }
    }

    const string RevisionsCopySql = "COPY notice_revisions (root_code, chosen_code, cancelled, has_root) FROM STDIN (FORMAT BINARY, FREEZE)";

    const string SpellsCopySql = """
        COPY employment_spells (person_cf, employer_cf, start_on, employer_name, contract_type, occupation_code, hired,
            planned_end_on, extension_end_on, permanent_on, cessation_on, cessation_cause, effective_end_on, end_reason, sector_code)
        FROM STDIN (FORMAT BINARY, FREEZE)
        """;

    const string PeopleCopySql = """
        COPY people (cf, provisional, successor_cf, sex, birth_on, birth_place, surname, name, domicile_comune, mobile_e164,
            mobile_source, last_start_on, last_end_on, has_open_spell, last_contract_type, last_cessation_cause)
        FROM STDIN (FORMAT BINARY, FREEZE)
        """;

    const string ContactsCopySql = "COPY person_contacts (cf, source, phone_e164, phone_kind, priority, seen_on) FROM STDIN (FORMAT BINARY, FREEZE)";

    /// <summary>
    /// COPYs the revisions, spells, people and contacts, each in its key order (the keys then build from sorted rows).
    /// The tables must have been truncated in this transaction (FREEZE).
    /// </summary>
    public async Task WriteAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using (var copy = await CopyRowWriter.BeginAsync(conn, RevisionsCopySql, ct))
        {
            foreach (var r in revisions)
            {
                copy.StartRow(4);
                copy.Text(CodeKey.Unpack(r.Root));
                copy.Text(r.Chosen is { } chosen ? CodeKey.Unpack(chosen) : null);
                copy.Boolean(r.Cancelled);
                copy.Boolean(r.HasRoot);
                await copy.FlushIfFullAsync(ct);
            }
            await copy.CompleteAsync(ct);
        }

        var cfs = new string[personCount];
        for (var p = 0; p < personCount; p++) cfs[p] = CodeKey.Unpack(people[p].Cf);

        await using (var copy = await CopyRowWriter.BeginAsync(conn, SpellsCopySql, ct))
        {
            for (var i = 0; i < spells.Count; i++)
            {
                WriteSpell(copy, cfs, i);
                await copy.FlushIfFullAsync(ct);
            }
            await copy.CompleteAsync(ct);
        }

        await using (var copy = await CopyRowWriter.BeginAsync(conn, PeopleCopySql, ct))
        {
            foreach (var p in byRank)
            {
                WritePerson(copy, cfs, p);
                await copy.FlushIfFullAsync(ct);
            }
            await copy.CompleteAsync(ct);
        }

        var numbers = new List<int>();
        await using (var copy = await CopyRowWriter.BeginAsync(conn, ContactsCopySql, ct))
        {
            foreach (var p in byRank)
            {
                numbers.Clear();
                for (var c = people[p].Contacts; c >= 0; c = contacts[c].Next) numbers.Add(c);
                numbers.Sort((a, b) => contacts[a].Source != contacts[b].Source
                    ? CompareTexts(contacts[a].Source, contacts[b].Source) : CompareTexts(contacts[a].Phone, contacts[b].Phone));
                foreach (var c in numbers)
                {
                    copy.StartRow(6);
                    copy.Text(cfs[p]);
                    copy.Text(texts[contacts[c].Source]);
                    copy.Text(texts[contacts[c].Phone]);
                    copy.Text(texts[contacts[c].Kind]);
                    copy.Int16(contacts[c].Priority);
                    copy.Date(contacts[c].SeenOn);
                }
                await copy.FlushIfFullAsync(ct);
            }
            await copy.CompleteAsync(ct);
        }
    }

    void WriteSpell(CopyRowWriter copy, string[] cfs, int index)
    {
        ref var s = ref CollectionsMarshal.AsSpan(spells)[index];
        copy.StartRow(15);
        copy.Text(cfs[s.Person]);
        copy.Text(texts[s.EmployerCf]);
        copy.Date(s.StartOn);
        copy.Text(texts[s.EmployerName]);
        copy.Text(texts[s.ContractType]);
        copy.Text(texts[s.OccupationCode]);
        copy.Boolean(s.Hired);
        copy.Date(s.PlannedEndOn);
        copy.Date(s.ExtensionEndOn);
        copy.Date(s.PermanentOn);
        copy.Date(s.CessationOn);
        copy.Text(texts[s.CessationCause]);
        copy.Date(s.EffectiveEndOn);
        copy.Text(s.Ended ? "cessation" : s.Term ? "term" : null);
        copy.Text(texts[s.SectorCode]);
    }

    void WritePerson(CopyRowWriter copy, string[] cfs, int p)
    {
        ref var person = ref people[p];
        copy.StartRow(16);
        copy.Text(cfs[p]);
        copy.Boolean(person.Provisional);
        copy.Text(person.Successor >= 0 ? cfs[person.Successor] : null);
        if (person.FromNotice)
        {
            copy.Text(texts[person.Sex]);
            copy.Date(person.BirthOn);
            copy.Text(texts[person.BirthPlace]);
            copy.Text(texts[person.Surname]);
            copy.Text(texts[person.Name]);
            copy.Text(person.Surname == None ? null : texts[person.Domicile]);
        }
        else
        {
            // known only from a contact list: what the code says
            if (person.Provisional)
            {
                copy.Null();
                copy.Null();
                copy.Null();
            }
            else
            {
                var (sex, birth, place) = CodiceFiscale.Decode(cfs[p], person.FirstContactOn);
                copy.Text(NoticeIngest.SexCode(sex));
                copy.Date(birth);
                copy.Text(place);
            }
            copy.Null();
            copy.Null();
            copy.Null();
        }
        if (person.Mobile >= 0)
        {
            copy.Text(texts[contacts[person.Mobile].Phone]);
            copy.Text(texts[contacts[person.Mobile].Source]);
        }
        else
        {
            copy.Null();
            copy.Null();
        }
        copy.Date(person.LastStartOn);
        copy.Date(person.LastEndOn);
        copy.Boolean(person.OpenSpell);
        if (person.LastSpell >= 0)
        {
            ref var last = ref CollectionsMarshal.AsSpan(spells)[person.LastSpell];
            copy.Text(texts[last.ContractType]);
            copy.Text(texts[last.CessationCause]);
        }
        else
        {
            copy.Null();
            copy.Null();
        }
    }
}
