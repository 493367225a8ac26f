# Regenerate docs/rules.md from the crate documentation of setara-rules: python3 scripts/gen-rules-doc.py
import re
src=[re.sub(r'^//! ?','',l) for l in open('crates/setara-rules/src/lib.rs').read().splitlines() if l.startswith('//!')]
out=["# Eligibility rules (aturan kelayakan)","","<!-- Generated from the crate documentation of crates/setara-rules/src/lib.rs; keep them in step. -->",""]
fence="`"*3
in_code=False; skip=False
for l in src:
    if l.startswith(fence):
        if not in_code:
            in_code=True
            tag=l[3:].strip()
            skip = tag not in ("text","","toml","sh")
            if not skip: out.append(fence+("text" if tag=="" else tag))
            continue
        in_code=False
        if not skip: out.append(fence)
        skip=False
        continue
    if in_code:
        if not skip: out.append(l)
        continue
    if l.startswith("# Use"):
        continue
    if l.startswith("#"):
        l="#"+l
    l=re.sub(r'\[`([A-Za-z_]+)`\]\(setara_[a-z_]+::[A-Za-z:_]+\)', r'`\1`', l)
    l=re.sub(r'\[`([A-Za-z_:()]+)`\]\([^)]*\)', r'`\1`', l)
    out.append(l)
s="\n".join(out)+"\n"
s=re.sub(r'\n{3,}', '\n\n', s)
open('docs/rules.md','w').write(s)
