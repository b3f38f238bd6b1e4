package io.bpfkeeper.packaging.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.commonmark.ext.gfm.tables.TableBlock;
import org.commonmark.ext.gfm.tables.TableBody;
import org.commonmark.ext.gfm.tables.TableHead;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.BlockQuote;
import org.commonmark.node.BulletList;
import org.commonmark.node.Code;
import org.commonmark.node.Emphasis;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.Heading;
import org.commonmark.node.HtmlBlock;
import org.commonmark.node.HtmlInline;
import org.commonmark.node.IndentedCodeBlock;
import org.commonmark.node.Link;
import org.commonmark.node.ListBlock;
import org.commonmark.node.Node;
import org.commonmark.node.OrderedList;
import org.commonmark.node.Paragraph;
import org.commonmark.node.SoftLineBreak;
import org.commonmark.node.StrongEmphasis;
import org.commonmark.node.Text;
import org.commonmark.node.ThematicBreak;
import org.commonmark.parser.Parser;

/**
 * Renders the Markdown of the project's documentation as the body of a man page, so that a page and the
 * document it comes from cannot drift apart. The first heading is the document's title, which the page's
 * NAME section replaces; second-level headings are sections, deeper ones subsections, and what comes
 * before the first section is the DESCRIPTION. Tables become tagged paragraphs, one per row, tagged with
 * the row's first cell. An HTML comment that names a marker (such as {@code <!-- options -->}) is replaced
 * by what the page generates there. Markdown that has no rendering here fails the build rather than being
 * dropped.
 */
final class MarkdownRoff {
    private static final Parser PARSER = Parser.builder().extensions(List.of(TablesExtension.create())).build();

    private final Roff roff;
    private final Map<String, Consumer<Roff>> markers;

    MarkdownRoff(Roff roff, Map<String, Consumer<Roff>> markers) {
        this.roff = roff;
        this.markers = markers;
    }

    void render(String markdown) {
        boolean inSection = false;
        for (Node block = PARSER.parse(markdown).getFirstChild(); block != null; block = block.getNext()) {
            if (block instanceof Heading heading) {
                if (heading.getLevel() == 2) {
                    roff.macro("SH", plainText(heading).toUpperCase(Locale.ROOT));
                    inSection = true;
                } else if (heading.getLevel() > 2) {
                    roff.macro("SS", plainText(heading));
                }
                continue;
            }
            if (!inSection) {
                roff.macro("SH", "DESCRIPTION");
                inSection = true;
            }
            block(block);
        }
    }

    private void block(Node block) {
        if (block instanceof Paragraph) {
            roff.macro("PP").text(inline(block));
        } else if (block instanceof FencedCodeBlock code) {
            roff.example(code.getLiteral());
        } else if (block instanceof IndentedCodeBlock code) {
            roff.example(code.getLiteral());
        } else if (block instanceof ListBlock list) {
            list(list);
        } else if (block instanceof BlockQuote) {
            indented(block);
        } else if (block instanceof TableBlock table) {
            table(table);
        } else if (block instanceof HtmlBlock html) {
            String marker = html.getLiteral().strip();
            Consumer<Roff> generated = markers.get(marker);
            if (generated == null) {
                throw new IllegalArgumentException("HTML in a man page's Markdown that names no marker of "
                        + markers.keySet() + ": " + marker);
            }
            generated.accept(roff);
        } else if (!(block instanceof ThematicBreak)) {
            throw unsupported(block);
        }
    }

    private void list(ListBlock list) {
        int number = list instanceof OrderedList ordered ? ordered.getMarkerStartNumber() : 0;
        for (Node item = list.getFirstChild(); item != null; item = item.getNext()) {
            roff.item(list instanceof BulletList ? "\\(bu" : number++ + ".");
            Node first = item.getFirstChild();
            for (Node child = first; child != null; child = child.getNext()) {
                if (child == first && child instanceof Paragraph) {
                    roff.text(inline(child));
                } else if (child instanceof Paragraph) {
                    roff.macro("IP", "", "2").text(inline(child));
                } else {
                    roff.macro("RS", "2");
                    block(child);
                    roff.macro("RE");
                }
            }
        }
    }

    private void indented(Node container) {
        roff.macro("RS", "4");
        for (Node child = container.getFirstChild(); child != null; child = child.getNext()) {
            block(child);
        }
        roff.macro("RE");
    }

    /**
     * A row per tagged paragraph. With more than two columns, every cell after the first is named by its
     * column's heading, since a paragraph has no columns to line up under one.
     */
    private void table(TableBlock table) {
        List<String> headings = new ArrayList<>();
        for (Node part = table.getFirstChild(); part != null; part = part.getNext()) {
            for (Node row = part.getFirstChild(); row != null; row = row.getNext()) {
                List<String> cells = new ArrayList<>();
                for (Node cell = row.getFirstChild(); cell != null; cell = cell.getNext()) {
                    cells.add(inline(cell));
                }
                if (part instanceof TableHead) {
                    headings = cells;
                } else if (part instanceof TableBody) {
                    roff.macro("TP").text(cells.get(0));
                    for (int column = 1; column < cells.size(); column++) {
                        if (cells.size() == 2) {
                            roff.text(cells.get(column));
                            continue;
                        }
                        if (column > 1) {
                            roff.macro("br");
                        }
                        roff.text(Roff.escape(headings.get(column)) + ": " + cells.get(column));
                    }
                }
            }
        }
    }

    /** The inline content of a block as roff text, in lines. */
    private String inline(Node parent) {
        StringBuilder roffText = new StringBuilder();
        for (Node node = parent.getFirstChild(); node != null; node = node.getNext()) {
            if (node instanceof Text text) {
                roffText.append(Roff.escape(text.getLiteral()));
            } else if (node instanceof Code code) {
                roffText.append(Roff.bold(Roff.literal(code.getLiteral())));
            } else if (node instanceof Emphasis) {
                roffText.append(Roff.italic(inline(node)));
            } else if (node instanceof StrongEmphasis) {
                roffText.append(Roff.bold(inline(node)));
            } else if (node instanceof Link) {
                // A man page has nowhere to link to: the text stays, and names what it linked to.
                roffText.append(inline(node));
            } else if (node instanceof SoftLineBreak) {
                roffText.append('\n');
            } else if (!(node instanceof HtmlInline)) {
                throw unsupported(node);
            }
        }
        return roffText.toString();
    }

    private static String plainText(Node parent) {
        StringBuilder text = new StringBuilder();
        for (Node node = parent.getFirstChild(); node != null; node = node.getNext()) {
            if (node instanceof Text literal) {
                text.append(literal.getLiteral());
            } else if (node instanceof Code code) {
                text.append(code.getLiteral());
            } else {
                text.append(plainText(node));
            }
        }
        return text.toString();
    }

    private static IllegalArgumentException unsupported(Node node) {
        return new IllegalArgumentException("no roff rendering of Markdown's " + node.getClass().getSimpleName()
                + " in a man page's source");
    }
}
