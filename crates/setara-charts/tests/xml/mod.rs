//! A tiny, strict XML reader for tests: checks well-formedness (one root, matched tags, quoted
//! and unique attributes, only known entity references, no `<` or `&` loose in text) and
//! returns the element tree. Enough for the SVG we write; no DTDs, CDATA or namespaces.

#[derive(Debug, Clone)]
pub enum Node {
    Element(Element),
    Text(String),
}

#[derive(Debug, Clone)]
pub struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Node>,
}

impl Element {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Direct child elements.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|c| match c {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// All elements below (and including) this one, depth first.
    pub fn descendants(&self) -> Vec<&Element> {
        let mut out = vec![self];
        for c in self.elements() {
            out.extend(c.descendants());
        }
        out
    }

    /// All text below this element, entities resolved.
    pub fn text(&self) -> String {
        let mut s = String::new();
        for c in &self.children {
            match c {
                Node::Text(t) => s.push_str(t),
                Node::Element(e) => s.push_str(&e.text()),
            }
        }
        s
    }

    pub fn has_class(&self, class: &str) -> bool {
        self.attr("class")
            .is_some_and(|c| c.split_whitespace().any(|x| x == class))
    }
}

pub fn parse(src: &str) -> Result<Element, String> {
    let mut p = Parser { s: src, i: 0 };
    p.skip_misc()?;
    let root = p.element()?;
    p.skip_misc()?;
    if p.i != src.len() {
        return Err(format!("content after the root element at byte {}", p.i));
    }
    Ok(root)
}

struct Parser<'a> {
    s: &'a str,
    i: usize,
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        &self.s[self.i..]
    }

    fn err<T>(&self, what: &str) -> Result<T, String> {
        let ctx: String = self.rest().chars().take(40).collect();
        Err(format!("{what} at byte {}: {ctx:?}", self.i))
    }

    /// Whitespace, comments and processing instructions outside the root.
    fn skip_misc(&mut self) -> Result<(), String> {
        loop {
            let r = self.rest();
            let t = r.trim_start();
            self.i += r.len() - t.len();
            if t.starts_with("<?") {
                let end = t.find("?>").ok_or("unterminated <?")?;
                self.i += end + 2;
            } else if t.starts_with("<!--") {
                let end = t.find("-->").ok_or("unterminated comment")?;
                self.i += end + 3;
            } else {
                return Ok(());
            }
        }
    }

    fn name(&mut self) -> Result<String, String> {
        let r = self.rest();
        let len = r
            .char_indices()
            .find(|&(k, c)| {
                !(c.is_alphanumeric()
                    || matches!(c, '_' | ':')
                    || (k > 0 && matches!(c, '-' | '.')))
            })
            .map_or(r.len(), |(k, _)| k);
        if len == 0 || r.starts_with(|c: char| c.is_ascii_digit()) {
            return self.err("expected a name");
        }
        self.i += len;
        Ok(r[..len].to_string())
    }

    fn skip_ws(&mut self) -> usize {
        let r = self.rest();
        let n = r.len() - r.trim_start().len();
        self.i += n;
        n
    }

    fn element(&mut self) -> Result<Element, String> {
        if !self.rest().starts_with('<') {
            return self.err("expected <");
        }
        self.i += 1;
        let name = self.name()?;
        let mut attrs: Vec<(String, String)> = Vec::new();
        loop {
            let ws = self.skip_ws();
            let r = self.rest();
            if r.starts_with("/>") {
                self.i += 2;
                return Ok(Element {
                    name,
                    attrs,
                    children: Vec::new(),
                });
            }
            if r.starts_with('>') {
                self.i += 1;
                break;
            }
            if ws == 0 {
                return self.err("expected whitespace before an attribute");
            }
            let an = self.name()?;
            self.skip_ws();
            if !self.rest().starts_with('=') {
                return self.err("expected =");
            }
            self.i += 1;
            self.skip_ws();
            let q = match self.rest().chars().next() {
                Some(q @ ('"' | '\'')) => q,
                _ => return self.err("attribute value not quoted"),
            };
            self.i += 1;
            let end = self.rest().find(q).ok_or("unterminated attribute value")?;
            let raw = &self.rest()[..end];
            if raw.contains('<') {
                return self.err("< in an attribute value");
            }
            let value = unescape(raw)?;
            self.i += end + 1;
            if attrs.iter().any(|(n, _)| *n == an) {
                return self.err(&format!("duplicate attribute {an}"));
            }
            attrs.push((an, value));
        }
        let mut children = Vec::new();
        loop {
            let r = self.rest();
            if r.is_empty() {
                return self.err(&format!("unclosed <{name}>"));
            }
            if r.starts_with("</") {
                self.i += 2;
                let close = self.name()?;
                if close != name {
                    return self.err(&format!("</{close}> closes <{name}>"));
                }
                self.skip_ws();
                if !self.rest().starts_with('>') {
                    return self.err("expected > after the closing tag");
                }
                self.i += 1;
                return Ok(Element {
                    name,
                    attrs,
                    children,
                });
            }
            if r.starts_with("<!--") {
                let end = r.find("-->").ok_or("unterminated comment")?;
                self.i += end + 3;
                continue;
            }
            if r.starts_with('<') {
                children.push(Node::Element(self.element()?));
                continue;
            }
            let end = r.find('<').unwrap_or(r.len());
            children.push(Node::Text(unescape(&r[..end])?));
            self.i += end;
        }
    }
}

fn unescape(raw: &str) -> Result<String, String> {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(k) = rest.find('&') {
        out.push_str(&rest[..k]);
        let after = &rest[k + 1..];
        let end = after
            .find(';')
            .ok_or_else(|| format!("& without ; in {raw:?}"))?;
        let ent = &after[..end];
        let c = match ent {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let n = if let Some(h) = ent.strip_prefix("#x") {
                    u32::from_str_radix(h, 16).ok()
                } else if let Some(d) = ent.strip_prefix('#') {
                    d.parse().ok()
                } else {
                    None
                };
                n.and_then(char::from_u32)
                    .ok_or_else(|| format!("unknown entity &{ent}; in {raw:?}"))?
            }
        };
        out.push(c);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[test]
fn the_checker_rejects_what_it_should() {
    assert!(parse("<a><b/></a>").is_ok());
    assert!(parse("<a x=\"1 &amp; 2\">t &lt; u</a>").is_ok());
    for bad in [
        "<a><b></a>",
        "<a x=1/>",
        "<a x=\"1\" x=\"2\"/>",
        "<a>&nbsp;</a>",
        "<a>x & y</a>",
        "<a/><b/>",
        "<a>",
        "<a x=\"<\"/>",
    ] {
        assert!(parse(bad).is_err(), "{bad} accepted");
    }
}
