// News Atlas: the reader's events, sent back to Python (a Streamlit v2 component, mounted in the page itself).
// A click on a highlighted place sends its span ("270-276") instead of following its link (no page reload);
// a selection in the article sends its text and which occurrence of that text it is, for "Add a missed place".
// The article itself is HTML escaped on the server (geo.render): this script only reads the page.
export default function (component) {
  const { setTriggerValue } = component;
  const inArticle = (node) => (node instanceof Element ? node : node && node.parentElement)?.closest("div.article");
  const onClick = (event) => {
    const link = event.target instanceof Element ? event.target.closest("div.article a[data-mention]") : null;
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    event.stopPropagation();
    setTriggerValue("click", link.getAttribute("data-mention"));
  };
  const onMouseUp = (event) => {
    const article = inArticle(event.target);
    const selection = window.getSelection();
    if (!article || !selection || selection.isCollapsed || selection.rangeCount === 0) return;
    const range = selection.getRangeAt(0);
    if (!article.contains(range.startContainer) || !article.contains(range.endContainer)) return;
    const text = selection.toString();
    if (!text.trim() || text.length > 200) return;
    const before = document.createRange();
    before.setStart(article, 0);
    before.setEnd(range.startContainer, range.startOffset);
    const preceding = before.toString();
    let count = 0;
    for (let at = preceding.indexOf(text); at !== -1; at = preceding.indexOf(text, at + text.length)) count += 1;
    setTriggerValue("select", { text: text, occurrence: count });
  };
  if (window.__newsAtlasReaderEvents) window.__newsAtlasReaderEvents();  // one set of listeners per page
  document.addEventListener("click", onClick, true);
  document.addEventListener("mouseup", onMouseUp);
  const cleanup = () => {
    document.removeEventListener("click", onClick, true);
    document.removeEventListener("mouseup", onMouseUp);
    if (window.__newsAtlasReaderEvents === cleanup) window.__newsAtlasReaderEvents = undefined;
  };
  window.__newsAtlasReaderEvents = cleanup;
  return cleanup;
}
