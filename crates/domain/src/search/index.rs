//! Ranking procedures against what a citizen typed. The catalogue is folded and turned into word
//! numbers once, so that a search only compares integers: a query over a hundred procedures takes
//! microseconds and allocates only its own word list and the result.

use std::cmp::Reverse;
use std::collections::BTreeSet;
use std::ops::Range;

use super::{ProcedureFilter, fold};
use crate::catalogue::Catalogue;

const NAME_WORD: u32 = 8;
const CODE_WORD: u32 = 8;
const NAME_PREFIX: u32 = 5;
const CODE_PREFIX: u32 = 4;
const FIELD_WORD: u32 = 3;
const FIELD_PREFIX: u32 = 2;
const TEXT_WORD: u32 = 2;
const TEXT_PREFIX: u32 = 1;
const FILLER_IN_NAME: u32 = 1;

/// How the query meets a procedure, best last (the first ranking rule).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Match {
    /// Some query word is found only outside the name.
    Elsewhere,
    /// Every query word is in the name, not as one phrase.
    AllInName,
    /// The query words are consecutive words inside the name.
    NamePhrase,
    /// The name begins with the query words.
    NameStart,
    /// The name is the query, word for word.
    ExactName,
    /// The query is the procedure's code.
    ExactCode,
}

/// Sort key of a result: smaller is better.
type Rank = (Reverse<Match>, Reverse<u32>, usize, Reverse<bool>, u32);

/// Filler phrases peeled off the start of a query (folded words).
const LEADING_FILLERS: &[&[&str]] = &[
    &["thu", "tuc"],
    &["huong", "dan"],
    &["cach"],
    &["lam"],
    &["xin"],
    &["toi", "muon"],
    &["muon"],
    &["ho", "so"],
];

/// Filler phrases peeled off the end of a query (folded words), longest first.
const TRAILING_FILLERS: &[&[&str]] = &[
    &["nhu", "the", "nao"],
    &["the", "nao"],
    &["o", "dau"],
    &["can", "nhung", "gi"],
    &["gom", "nhung", "gi"],
    &["can", "gi"],
    &["mat", "bao", "lau"],
    &["bao", "lau"],
    &["ho", "so"],
    &["thu", "tuc"],
];

/// One procedure, folded, its words replaced by their number in the vocabulary.
#[derive(Debug, Clone)]
struct Entry {
    /// Words of the name, in order.
    name: Vec<u32>,
    /// Where the name proper starts, past a leading "Thủ tục".
    core_start: usize,
    /// Words of the code, in order.
    code: Vec<u32>,
    /// Words of the field name and code, sorted, without repeats.
    field: Vec<u32>,
    /// Words of the description, the result and the English name, sorted, without repeats.
    text: Vec<u32>,
    /// A Project 06 essential service.
    priority: bool,
    /// Position in the alphabetical order of folded names.
    name_order: u32,
}

impl Entry {
    fn core(&self) -> &[u32] {
        self.name.get(self.core_start..).unwrap_or_default()
    }
}

/// A query word looked up in the vocabulary.
#[derive(Debug, Clone)]
struct Term {
    /// The word itself, if the catalogue has it.
    word: Option<u32>,
    /// The words it begins, when it may be a prefix; empty otherwise.
    prefixes: Range<u32>,
}

impl Term {
    fn is_word(&self, id: u32) -> bool {
        self.word == Some(id)
    }

    fn is_prefix(&self, id: u32) -> bool {
        self.prefixes.contains(&id)
    }

    fn is_nowhere(&self) -> bool {
        self.word.is_none() && self.prefixes.is_empty()
    }

    /// Points for this term in an in-order word list (name, code): word, prefix, or 0.
    fn in_list(&self, ids: &[u32], word: u32, prefix: u32) -> u32 {
        if ids.iter().any(|&id| self.is_word(id)) {
            word
        } else if ids.iter().any(|&id| self.is_prefix(id)) {
            prefix
        } else {
            0
        }
    }

    /// Points for this term in a sorted word set (field, text): word, prefix, or 0.
    fn in_set(&self, ids: &[u32], word: u32, prefix: u32) -> u32 {
        if self.word.is_some_and(|w| ids.binary_search(&w).is_ok()) {
            return word;
        }
        let first = ids.partition_point(|&id| id < self.prefixes.start);
        if ids.get(first).is_some_and(|&id| id < self.prefixes.end) {
            prefix
        } else {
            0
        }
    }
}

/// A query ready to be matched: the words that must be found and the fillers around them.
struct Query {
    required: Vec<Term>,
    fillers: Vec<Term>,
}

impl Query {
    /// The rank of a procedure, or `None` when some required word is not found in it.
    fn rank(&self, entry: &Entry) -> Option<Rank> {
        let mut points = 0;
        let mut all_in_name = true;
        for term in &self.required {
            let in_name = term.in_list(&entry.name, NAME_WORD, NAME_PREFIX);
            let best = in_name
                .max(term.in_list(&entry.code, CODE_WORD, CODE_PREFIX))
                .max(term.in_set(&entry.field, FIELD_WORD, FIELD_PREFIX))
                .max(term.in_set(&entry.text, TEXT_WORD, TEXT_PREFIX));
            if best == 0 {
                return None;
            }
            all_in_name &= in_name > 0;
            points += best;
        }
        for filler in &self.fillers {
            if entry.name.iter().any(|&id| filler.is_word(id)) {
                points += FILLER_IN_NAME;
            }
        }
        let core = entry.core();
        let how = if entry.code.len() == self.required.len()
            && self
                .required
                .iter()
                .zip(&entry.code)
                .all(|(t, &id)| t.is_word(id))
        {
            Match::ExactCode
        } else if !all_in_name {
            Match::Elsewhere
        } else {
            match self.phrase_at(core, 0) {
                Some(true) if core.len() == self.required.len() => Match::ExactName,
                Some(_) => Match::NameStart,
                None if (1..core.len()).any(|pos| self.phrase_at(core, pos).is_some()) => {
                    Match::NamePhrase
                }
                None => Match::AllInName,
            }
        };
        Some((
            Reverse(how),
            Reverse(points),
            core.len(),
            Reverse(entry.priority),
            entry.name_order,
        ))
    }

    /// Whether the required words are the name words from `pos` on: `Some(true)` as whole words,
    /// `Some(false)` with the last one as a prefix, `None` if not.
    fn phrase_at(&self, name: &[u32], pos: usize) -> Option<bool> {
        let window = name.get(pos..pos.checked_add(self.required.len())?)?;
        let mut whole = true;
        for (term, &id) in self.required.iter().zip(window) {
            if !term.is_word(id) {
                if term.is_prefix(id) {
                    whole = false;
                } else {
                    return None;
                }
            }
        }
        Some(whole)
    }
}

/// Where the words that must be found begin and end, once fillers are peeled off both ends.
fn strip_fillers(words: &[&str]) -> Range<usize> {
    let (mut start, mut end) = (0, words.len());
    'leading: loop {
        for filler in LEADING_FILLERS {
            if end - start > filler.len() && words[start..end].starts_with(filler) {
                start += filler.len();
                continue 'leading;
            }
        }
        break;
    }
    'trailing: loop {
        for filler in TRAILING_FILLERS {
            if end - start > filler.len() && words[start..end].ends_with(filler) {
                end -= filler.len();
                continue 'trailing;
            }
        }
        break;
    }
    start..end
}

/// Words of folded text.
fn words(folded: &str) -> impl Iterator<Item = &str> {
    folded.split(' ').filter(|w| !w.is_empty())
}

/// Sorted unique words of several folded texts.
fn word_set(vocabulary: &[Box<str>], texts: &[&str]) -> Vec<u32> {
    let mut ids: Vec<u32> = texts
        .iter()
        .flat_map(|t| words(t))
        .filter_map(|w| lookup(vocabulary, w))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

fn word_list(vocabulary: &[Box<str>], text: &str) -> Vec<u32> {
    words(text).filter_map(|w| lookup(vocabulary, w)).collect()
}

fn lookup(vocabulary: &[Box<str>], word: &str) -> Option<u32> {
    let at = vocabulary.binary_search_by(|w| (**w).cmp(word)).ok()?;
    u32::try_from(at).ok()
}

/// Procedure search over one catalogue, built once (when the catalogue is loaded or changed) and
/// then shared by every search.
///
/// # Ranking
///
/// Text is compared after [`fold`], so tone marks, "đ"/"d" and "i"/"y" never matter. Every word of
/// the query must be found in the procedure (AND semantics), in its name, code, field name, or
/// description / result / English name, or the procedure is left out. Words are whole words,
/// except the last word of a query that does not end in a space, which may also be the beginning
/// of a word, so results follow the citizen while they type ("dang ky ket h").
///
/// Filler words people put around what they want are optional: "thủ tục", "làm", "xin", "hướng
/// dẫn", "cách", "tôi muốn", "hồ sơ" at the start, "như thế nào", "ở đâu", "cần gì", "mất bao
/// lâu", "hồ sơ", "thủ tục" at the end. They are peeled off only at the ends of the query (inside
/// it they are ordinary words: "thu hồi", "lâm sản"), never when nothing else is left, and earn a
/// small bonus when the name holds them. Names beginning with "Thủ tục" are compared without it.
///
/// Procedures are then ordered by, in turn:
/// 1. how the query meets the procedure: its code exactly; the whole name exactly; the beginning
///    of the name; consecutive words inside the name; every word somewhere in the name; some word
///    only outside the name;
/// 2. points summed over the query words, each counted where it is found best: name word 8, code
///    8, name prefix 5, code prefix 4, field word 3, field prefix 2, description word 2,
///    description prefix 1, plus 1 per filler word in the name;
/// 3. shorter names first: fewer extra words means closer to what was meant;
/// 4. Project 06 priority services first;
/// 5. the folded name, alphabetically.
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    /// Every folded word of the catalogue, sorted, so that words sharing a prefix are a range.
    vocabulary: Vec<Box<str>>,
    /// One entry per procedure, in catalogue order.
    entries: Vec<Entry>,
    /// Procedure indexes in the order of an empty search.
    browse: Vec<usize>,
}

impl SearchIndex {
    /// Folds and indexes the names, codes, field names, descriptions, results and English names
    /// of the catalogue's procedures.
    pub fn new(catalogue: &Catalogue) -> Self {
        struct Folded {
            name: String,
            code: String,
            field: String,
            text: String,
        }
        let folded: Vec<Folded> = catalogue
            .procedures
            .iter()
            .map(|p| {
                let field_name = catalogue.field(&p.field).map_or("", |f| f.name.as_str());
                Folded {
                    name: fold(&p.name),
                    code: fold(&p.code),
                    field: fold(&format!("{field_name} {}", p.field)),
                    text: fold(&format!("{} {} {}", p.description, p.result, p.name_en)),
                }
            })
            .collect();

        let vocabulary: Vec<Box<str>> = folded
            .iter()
            .flat_map(|f| [&f.name, &f.code, &f.field, &f.text])
            .flat_map(|t| words(t))
            .collect::<BTreeSet<&str>>()
            .into_iter()
            .map(Box::from)
            .collect();

        // Alphabetical order of the names proper (without a leading "thủ tục").
        let cores: Vec<&str> = folded
            .iter()
            .map(|f| f.name.strip_prefix("thu tuc ").unwrap_or(&f.name))
            .collect();
        let mut alphabetical: Vec<usize> = (0..folded.len()).collect();
        alphabetical
            .sort_by(|&a, &b| (cores[a], &folded[a].name, a).cmp(&(cores[b], &folded[b].name, b)));
        let mut name_order = vec![0u32; folded.len()];
        for (position, &i) in alphabetical.iter().enumerate() {
            name_order[i] = u32::try_from(position).unwrap_or(u32::MAX);
        }

        let entries: Vec<Entry> = folded
            .iter()
            .zip(&catalogue.procedures)
            .zip(&name_order)
            .zip(&cores)
            .map(|(((f, p), &order), core)| {
                let name = word_list(&vocabulary, &f.name);
                let core_start = name.len().saturating_sub(words(core).count());
                Entry {
                    core_start,
                    name,
                    code: word_list(&vocabulary, &f.code),
                    field: word_set(&vocabulary, &[&f.field]),
                    text: word_set(&vocabulary, &[&f.text]),
                    priority: p.priority,
                    name_order: order,
                }
            })
            .collect();

        let mut browse = alphabetical;
        browse.sort_by_key(|&i| (Reverse(entries[i].priority), entries[i].name_order));

        SearchIndex {
            vocabulary,
            entries,
            browse,
        }
    }

    /// How many procedures are indexed.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no procedure is indexed.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Indexes into `catalogue.procedures` of the procedures that match the query and the
    /// filter, best match first. A blank query lists every procedure the filter lets through:
    /// Project 06 priority services first, then by folded name.
    ///
    /// `catalogue` must be the one the index was built from; procedures beyond the indexed ones
    /// are ignored.
    pub fn search(
        &self,
        catalogue: &Catalogue,
        query: &str,
        filter: &ProcedureFilter,
    ) -> Vec<usize> {
        let passes = |i: usize| {
            catalogue
                .procedures
                .get(i)
                .is_some_and(|p| filter.matches(p))
        };
        let folded = fold(query);
        if folded.is_empty() {
            return self.browse.iter().copied().filter(|&i| passes(i)).collect();
        }
        // A query ending in a space has its last word finished: no type-ahead prefix.
        let typing = !query.ends_with(char::is_whitespace);
        let Some(query) = self.parse(&folded, typing) else {
            return Vec::new();
        };
        let mut ranked: Vec<(Rank, usize)> = self
            .entries
            .iter()
            .enumerate()
            .filter_map(|(i, entry)| Some((query.rank(entry)?, i)))
            .filter(|&(_, i)| passes(i))
            .collect();
        ranked.sort_unstable();
        ranked.into_iter().map(|(_, i)| i).collect()
    }

    /// Looks the query words up; `None` when a required word is nowhere in the catalogue, so
    /// nothing can match.
    fn parse(&self, folded: &str, typing: bool) -> Option<Query> {
        let all: Vec<&str> = words(folded).collect();
        let kept = strip_fillers(&all);
        let last = all.len() - 1;
        let required: Vec<Term> = all[kept.clone()]
            .iter()
            .enumerate()
            .map(|(i, w)| self.term(w, typing && kept.start + i == last))
            .collect();
        if required.iter().any(Term::is_nowhere) {
            return None;
        }
        let fillers = all[..kept.start]
            .iter()
            .chain(&all[kept.end..])
            .map(|w| self.term(w, false))
            .collect();
        Some(Query { required, fillers })
    }

    fn term(&self, word: &str, may_be_prefix: bool) -> Term {
        let vocabulary = &self.vocabulary;
        let start = vocabulary.partition_point(|w| &**w < word);
        let found = vocabulary.get(start).is_some_and(|w| &**w == word);
        let end = if may_be_prefix {
            start + vocabulary[start..].partition_point(|w| w.starts_with(word))
        } else {
            start
        };
        let id = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
        Term {
            word: found.then(|| id(start)),
            prefixes: id(start)..id(end),
        }
    }
}
