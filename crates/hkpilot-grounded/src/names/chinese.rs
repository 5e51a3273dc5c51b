//! Chinese names: 《…條例》 titles, 第57章 references, and words ending in an organisation
//! or title suffix, cut by the project's jieba segmentation and read in Simplified so that
//! both scripts share one set of lists.

use super::{fold, listed, Key, Name};
use crate::faithful::{read_number, FactKind};
use hkpilot_text::script::is_han;
use hkpilot_text::words::segment_chinese;

/// Ends of common words that look like organisations but are not (社會, 機會, 當局,
/// 簽署, 好處), in Simplified like every list below.
const NOT_ORGANISATIONS: &str = "\
    社会 机会 都会 不会 能会 将会 也会 就会 才会 还会 只会 亦会 体会 误会 领会 聚会 宴会 \
    开会 当局 结局 格局 布局 大局 困局 签署 部署 好处 之处 到处 长处 难处 用处 益处 坏处 \
    相处 身处 此处 各处 何处 出处 住处 无处 官司";

/// What the end of a Chinese word says it names.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Ending {
    /// A body: a word of three characters or more ending so names it (教育局, 區議會).
    Body,
    /// A generic word that names something with the qualifier before it (房屋 | 委員會).
    Generic,
    /// Legislation (僱傭條例, 僱傭 | 條例).
    Law,
    /// A title after a person's name (陳大文先生, 陳 | 先生).
    Person,
    /// 政府 and 部門 name something only after a place (深圳市政府, 中央 | 政府).
    Place,
    /// 公司 alone is too common a word (保險公司, 上市公司); 有限公司 names a company.
    Common,
}

const ENDINGS: [(&str, Ending); 6] = [
    (
        "局 署 务处 事处 工处 防处 闻处 航处 程处 价处 计处 书处 络处 理处 司 法院 \
         立法会 议会 委会 董事会 商会 公会 总会 联会 工会",
        Ending::Body,
    ),
    (
        "委员会 管理局 有限公司 办事处 总署 协会 基金会 理事会",
        Ending::Generic,
    ),
    ("条例 规例 法案 附例 草案", Ending::Law),
    (
        "先生 女士 局长 司长 署长 处长 议员 法官 博士 教授",
        Ending::Person,
    ),
    ("政府 部门", Ending::Place),
    ("公司", Ending::Common),
];

/// Words before a generic word that are not its qualifier (支持 | 政府, 成立 | 委員會).
const NOT_QUALIFIERS: &str = "\
    表示 指出 认为 透过 通过 经过 以及 包括 要求 促请 呼吁 建议 支持 协助 配合 联同 连同 \
    其中 有关 相关 所有 各个 不同 其他 其它 由于 根据 按照 依照 依据 并且 但是 而且 如果 \
    因为 所以 已经 正在 将会 可以 需要 应该 必须 进行 提供 负责 成立 设立 组成 委任 任命 \
    邀请 会见 感谢 致函 答复 回复 批评 获得 得到 发现 宣布 公布 同意 反对 修订 修改 制定 \
    订立 实施 执行 违反 参考 引用 全体 个别 地方 新任 前任 现任 署理 随着";
/// Particles that cannot stand for a surname before a title (的 | 先生).
const PARTICLES: &str = "的和与及在由向里对为是了将会请被让给跟同把等或并也都又就而从于以之其该本各每这那位名称说问见到致谢";
/// Determiners and numerals that open a phrase rather than a name (這一 | 條例, 兩家 | 公司).
const DETERMINERS: &str = "这那该此本其各每某一二两三四五六七八九十几多全原前新子分总母";
const PLACE_ENDS: [char; 8] = ['区', '市', '省', '国', '港', '州', '县', '镇'];
const PLACES: &str = "中央 香港 澳门 内地 本港 特区";

pub(super) fn chinese_names(text: &str, out: &mut Vec<Name>) {
    if !text.chars().any(is_han) {
        return;
    }
    let original: Vec<char> = text.chars().collect();
    let folded_text = fold(text);
    let folded: Vec<char> = folded_text.chars().collect();
    // OpenCC keeps lengths, so names are shown as written; if not, in Simplified.
    let shown = if folded.len() == original.len() {
        &original
    } else {
        &folded
    };
    let mut found: Vec<(usize, Name)> = Vec::new();
    let mut push = |kind, a: usize, b: usize, key| {
        let text = shown[a..b].iter().collect();
        found.push((
            a,
            Name {
                kind,
                text,
                key,
                latin: false,
            },
        ))
    };
    // Where 《…》 titles stand: the words inside are not read again.
    let mut titles = Vec::new();
    for (cap, k, end) in han_chapters(&folded) {
        push(FactKind::Ordinance, k, end, Key::Cap(cap));
    }
    for k in 0..folded.len() {
        if folded[k] == '《' {
            if let Some(len) = folded[k + 1..].iter().take(40).position(|&c| c == '》') {
                let inner: String = folded[k + 1..k + 1 + len].iter().collect();
                if ending(&inner).is_some_and(|e| e.1 == Ending::Law) {
                    titles.push(k..k + len + 2);
                    push(
                        FactKind::Ordinance,
                        k,
                        k + len + 2,
                        Key::Han(squeeze(&inner)),
                    );
                }
            }
        }
    }
    let words = segment_chinese(&folded_text);
    let mut at = 0;
    for (i, w) in words.iter().enumerate() {
        let start = at;
        at += w.chars().count();
        let Some((end, class)) = ending(w) else {
            continue;
        };
        if titles.iter().any(|t| t.contains(&start)) {
            continue;
        }
        if !w.chars().all(is_han) || NOT_ORGANISATIONS.split_whitespace().any(|e| w.ends_with(e)) {
            continue;
        }
        let kind = if class == Ending::Law {
            FactKind::Ordinance
        } else {
            FactKind::Name
        };
        let own = &w[..w.len() - end.len()];
        if own.is_empty() {
            let prev = i.checked_sub(1).map(|p| words[p]);
            if let Some(q) = prev.filter(|q| qualifies(q, class)) {
                let key = Key::HanPair(q.to_string(), w.to_string());
                push(kind, start - q.chars().count(), at, key);
            }
        } else if names_alone(own, end, class) {
            push(kind, start, at, Key::Han(w.to_string()));
        }
    }
    found.sort_by_key(|f| f.0);
    out.extend(found.into_iter().map(|f| f.1));
}

/// The longest known ending of `w`.
fn ending(w: &str) -> Option<(&'static str, Ending)> {
    ENDINGS
        .iter()
        .flat_map(|(ends, class)| ends.split_whitespace().map(move |e| (e, *class)))
        .filter(|(e, _)| w.ends_with(e))
        .max_by_key(|(e, _)| e.len())
}

fn is_place(s: &str) -> bool {
    let opener = s.starts_with(|c| DETERMINERS.contains(c) || "我贵外他".contains(c));
    s.chars().count() >= 2 && !opener && (listed(PLACES, s) || s.ends_with(PLACE_ENDS))
}

/// Whether a word names something by itself, `own` being what stands before its ending
/// `end`: 教育局, 醫院管理局, 區議會, 陳先生, but not 查處, 副局長, 新政府 or 地方政府.
fn names_alone(own: &str, end: &str, class: Ending) -> bool {
    let n = own.chars().count();
    let first = own.chars().next().unwrap_or(' ');
    let opener = DETERMINERS.contains(first) || PARTICLES.contains(first) || first == '副';
    match class {
        Ending::Place => is_place(own),
        Ending::Common => false,
        // 陳先生, but not 眾議員 or 女博士: only honorifics follow a bare surname.
        Ending::Person => n >= 2 || (!opener && matches!(end, "先生" | "女士")),
        Ending::Body => n >= 2 || (end.chars().count() >= 2 && !opener),
        Ending::Generic | Ending::Law => n >= 2 && !DETERMINERS.contains(first),
    }
}

/// Whether the word `prev` can qualify the generic word after it.
fn qualifies(prev: &str, class: Ending) -> bool {
    let n = prev.chars().count();
    let first = prev.chars().next().unwrap_or(' ');
    if !prev.chars().all(is_han) || listed(NOT_QUALIFIERS, prev) {
        return false;
    }
    match class {
        Ending::Place => is_place(prev),
        // A surname alone may stand before a title (陳 | 先生), not a particle.
        Ending::Person => n >= 2 || !PARTICLES.contains(first),
        Ending::Body | Ending::Common => false,
        Ending::Generic | Ending::Law => n >= 2 && !DETERMINERS.contains(first),
    }
}

/// Chapter references 第57章 of `chars`: the number, where 第 stands and where 章 ends.
pub(super) fn han_chapters(chars: &[char]) -> impl Iterator<Item = (String, usize, usize)> + '_ {
    (0..chars.len())
        .filter(|&k| chars[k] == '第')
        .filter_map(|k| chapter_at(chars, k + 1).map(|(cap, end)| (cap, k, end)))
}

/// A chapter number after 第: "57章", " 57A 章", "五十七章". Returns it and where 章 ends.
fn chapter_at(chars: &[char], at: usize) -> Option<(String, usize)> {
    let skip = |mut k: usize| {
        while chars.get(k).is_some_and(|c| c.is_whitespace()) {
            k += 1;
        }
        k
    };
    let k = skip(at);
    let (value, _, mut end) = read_number(chars, k)?;
    let mut cap = format!("{}", value as u64);
    while let Some(c) = chars.get(end).filter(|c| c.is_ascii_alphabetic()) {
        cap.push(c.to_ascii_uppercase());
        end += 1;
    }
    let end = skip(end);
    (chars.get(end) == Some(&'章') && value.fract() == 0.0).then_some((cap, end + 1))
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chapters_read_digits_and_numerals() {
        let chars = |s: &str| s.chars().collect::<Vec<_>>();
        assert_eq!(chapter_at(&chars("57章"), 0), Some(("57".into(), 3)));
        assert_eq!(chapter_at(&chars(" 57A 章"), 0), Some(("57A".into(), 6)));
        assert_eq!(chapter_at(&chars("五十七章"), 0), Some(("57".into(), 4)));
        assert_eq!(chapter_at(&chars("57條"), 0), None);
    }
}
