/**
 * Link discovery (src/crawl/discover): the real pingtan TRS listing and report pages from
 * ../shared, and small synthetic pages for every other shape — a home page's way to the
 * column, TRS createPageHTML pagination, 下一页/尾页 with ?page=, pageNum=, a JCMS
 * datastore, a mixed channel's entries, a report page's attachments, report titles.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  attachmentTarget,
  isAttachmentUrl,
  looksLikeReportTitle,
  pageNumberOf,
  paginationKind,
  readPage,
  registrableDomain,
  reportYear,
  sameSite,
  scanPage,
  trsPageCalls,
} from "../src/crawl/discover/index.js";
import { describeCorpus, SHARED } from "./helpers.js";

const page = (body: string, head = "", title = "某区人民政府") => `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${title}</title>${head}</head><body>${body}</body></html>`;
const urls = (links: { url: string }[]) => links.map((l) => l.url);

/** Site chrome most government pages carry: navigation, breadcrumb and footer with links to other sites. */
const CHROME = `
  <div class="header"><ul class="nav" role="navigation">
    <li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/hdjl/">互动交流</a></li>
  </ul></div>
  <div class="footer"><ul>
    <li><a href="https://www.gov.cn/">中国政府网</a></li><li><a href="https://www.fujian.gov.cn/">福建省人民政府</a></li>
    <li><a href="/wzdt/">网站地图</a></li><li><a href="/lxwm/">联系我们</a></li>
  </ul><a href="https://bszs.conac.cn/sitename?method=show&amp;id=1"><img src="/red.png" alt="党政机关"></a></div>`;

describe("links", () => {
  it("resolves hrefs, decodes &amp;, drops fragments, scripts, mail and telephone links", () => {
    const scan = scanPage(
      page(`
        <a href="./202401/t20240101_1.htm#top">甲</a>
        <a href="../list.html?a=1&amp;b=2">乙</a>
        <a href="javascript:void(0)">丙</a><a href="mailto:x@y.gov.cn">丁</a><a href="tel:12345">戊</a>
        <a href="#">己</a><a href="">庚</a><a href="#main">辛</a>
        <a href="ftp://files.x.gov.cn/a.pdf">壬</a>
        <a href="/zwgk/nb/">self</a>
        <a href="https://other.example.com/p?q=1#frag" title="标题"></a>
        <a ms-attr-href="el.url">avalon</a>`),
      "https://www.x.gov.cn/zwgk/nb/",
    );
    expect(scan.links.map((l) => [l.url, l.text])).toEqual([
      ["https://www.x.gov.cn/zwgk/nb/202401/t20240101_1.htm", "甲"],
      ["https://www.x.gov.cn/zwgk/list.html?a=1&b=2", "乙"],
      ["https://other.example.com/p?q=1", "标题"],
    ]);
  });

  it("honours <base href>, prefers the title to a truncated text, and joins words broken by markup", () => {
    const scan = scanPage(
      page(`<ul><li><a href="a.htm" title="某县人民政府2023年政府信息公开工作年度报告">某县人民政府2023年政府信息公开…</a></li>
            <li><a href="b.htm"><span>政府信息</span><br>公开年报</a></li></ul>`, `<base href="https://www.x.gov.cn/base/dir/">`),
      "https://www.x.gov.cn/other/page.html",
    );
    expect(scan.links.map((l) => [l.url, l.text])).toEqual([
      ["https://www.x.gov.cn/base/dir/a.htm", "某县人民政府2023年政府信息公开工作年度报告"],
      ["https://www.x.gov.cn/base/dir/b.htm", "政府信息公开年报"],
    ]);
  });

  it("takes the title for an anchor that shows only a date", () => {
    const scan = scanPage(page(`<table><tr><td><a href="t1.htm" title="某县2021年政府信息公开工作年度报告">2022-01-20</a></td></tr></table>`), "https://www.x.gov.cn/nb/");
    expect(scan.links.map((l) => l.text)).toEqual(["某县2021年政府信息公开工作年度报告"]);
  });

  it("keeps inline script text for pagination calls", () => {
    const scan = scanPage(page(`<script>createPageHTML(3, 0, "index", "html");</script><script src="/x.js"></script>`), "https://www.x.gov.cn/nb/");
    expect(scan.scripts).toEqual([`createPageHTML(3, 0, "index", "html");`]);
  });

  it("knows registrable domains", () => {
    expect(registrableDomain("www.pingtan.gov.cn")).toBe("pingtan.gov.cn");
    expect(registrableDomain("12345.pingtan.gov.cn")).toBe("pingtan.gov.cn");
    expect(registrableDomain("beian.miit.gov.cn")).toBe("miit.gov.cn");
    expect(registrableDomain("www-beian-gov-cnx45c8966f93868xx.ipv6best.cn")).toBe("ipv6best.cn");
    expect(registrableDomain("www.sz.gd.cn")).toBe("sz.gd.cn");
    expect(registrableDomain("127.0.0.1")).toBe("127.0.0.1");
    expect(sameSite("https://www.pingtan.gov.cn/a", "http://xzfwzx.pingtan.gov.cn/b")).toBe(true);
    expect(sameSite("https://www.pingtan.gov.cn/a", "https://www.fujian.gov.cn/")).toBe(false);
  });
});

describe("report titles", () => {
  it.each([
    ["平潭综合实验区2025年度政府信息公开工作年度报告", 2025],
    ["某县人民政府2019年政府信息公开年报", 2019],
    ["平潭综合实验区地方税务局2013年信息公开年度报告", 2013],
    ["某市教育局２０２２年政府信息公开工作年度报告", 2022],
    ["某县人民政府二〇二〇年政府信息公开工作年度报告", 2020],
    ["某区二○一九年度政府信息公开工作年度报告", 2019],
    ["某镇二零二一年政府信息公开工作年度报告", 2021],
    ["2020年1月发布：某局2019年度政府信息公开工作年度报告", 2019],
    ["政府信息公开工作年度报告（2018年）", 2018],
  ])("%s is a report of %i", (title, year) => {
    expect(looksLikeReportTitle(title)).toBe(true);
    expect(reportYear(title)).toBe(year);
  });

  it.each([
    "政府信息公开指南",
    "政府信息公开制度",
    "2023年工作要点",
    "关于2014年政府信息公开工作要点落实情况的函",
    "某县2023年度部门决算报告",
    "某公司2022年年度报告",
    "政府信息公开年报",
    "政府信息公开工作年度报告",
    "关于做好2023年政府信息公开工作年度报告编制工作的通知",
    "关于2021年度政府信息公开工作年度报告检查情况的通报",
    "图解：某县2022年政府信息公开工作年度报告",
    "某县2022年政府信息公开工作年度报告解读",
  ])("%s is not a report title", (title) => {
    expect(looksLikeReportTitle(title)).toBe(false);
  });

  it("reads no year where there is none, and not from long numbers", () => {
    expect(reportYear("政府信息公开年报")).toBeNull();
    expect(reportYear("文号 1234567")).toBeNull();
    expect(reportYear("一二三四五")).toBeNull();
  });
});

describe("column discovery", () => {
  const home = page(`
    <div class="header"><ul class="nav">
      <li><a href="/">首页</a></li>
      <li><a href="/zwgk/">政务公开</a></li>
      <li><a href="/zwgk/zfxxgk/">政府信息<br>公开</a></li>
      <li><a href="/zwgk/zfxxgk/zn/">政府信息公开指南</a></li>
      <li><a href="/zwgk/zdly/">重点领域信息公开</a></li>
      <li><a href="/hdjl/">互动交流</a></li>
    </ul></div>
    <div class="main">
      <div class="box"><a href="/tjxx/nb/">统计年报</a></div>
      <div class="box"><a href="/zwgk/zfxxgk/ndbg/">年度报告</a></div>
      <div class="box"><a href="/zwgk/zfxxgk/nb/">政府信息公开年报</a></div>
      <div class="box"><a href="/zwgk/zfxxgk/gzndbg/">政府信息公开工作年度报告</a></div>
      <div class="box"><a href="/zwgk/zfxxgk/nb/202401/t20240115_9.htm">某县2023年政府信息公开工作年度报告</a></div>
    </div>
    <div class="footer">
      <a href="https://www.gov.cn/zhengce/xxgk/nb/">政府信息公开年报</a>
      <a href="https://www.other.gov.cn/zwgk/">政务公开</a>
      <a href="https://www.gov.cn/">中国政府网</a>
    </div>`);
  const links = readPage(home, "https://www.x.gov.cn/");

  it("ranks the report column by link text, then the section pages, on the site only", () => {
    expect(links.columns).toEqual([
      { url: "https://www.x.gov.cn/zwgk/zfxxgk/nb/", text: "政府信息公开年报" },
      { url: "https://www.x.gov.cn/zwgk/zfxxgk/gzndbg/", text: "政府信息公开工作年度报告" },
      { url: "https://www.x.gov.cn/zwgk/zfxxgk/ndbg/", text: "年度报告" },
      { url: "https://www.x.gov.cn/tjxx/nb/", text: "统计年报" },
      { url: "https://www.x.gov.cn/zwgk/", text: "政务公开" },
      { url: "https://www.x.gov.cn/zwgk/zfxxgk/", text: "政府信息公开" },
    ]);
  });

  it("takes a link naming one report's year as a report, not as the column", () => {
    expect(urls(links.reports)).toEqual(["https://www.x.gov.cn/zwgk/zfxxgk/nb/202401/t20240115_9.htm"]);
    expect(links.entries).toEqual([]);
    expect(links.listings).toEqual([]);
  });

  it("walks on from a section page to the column", () => {
    const section = page(`${CHROME}<div class="left"><ul>
      <li><a href="/zwgk/zfxxgk/zn/">政府信息公开指南</a></li><li><a href="/zwgk/zfxxgk/zd/">政府信息公开制度</a></li>
      <li><a href="/zwgk/zfxxgk/fdzdgknr/">法定主动公开内容</a></li><li><a href="/zwgk/zfxxgk/nb/">政府信息公开年报</a></li></ul></div>`);
    const found = readPage(section, "https://www.x.gov.cn/zwgk/zfxxgk/");
    expect(found.columns[0]).toEqual({ url: "https://www.x.gov.cn/zwgk/zfxxgk/nb/", text: "政府信息公开年报" });
    expect(urls(found.columns)).toEqual(["https://www.x.gov.cn/zwgk/zfxxgk/nb/", "https://www.x.gov.cn/zwgk/"]);
  });
});

describe("TRS createPageHTML pagination", () => {
  const listing = (script: string) =>
    page(`${CHROME}<ul class="list">
      <li><a href="./202403/t20240308_3.htm">某县2023年政府信息公开工作年度报告</a><span>2024-03-08</span></li>
      <li><a href="./202303/t20230301_2.htm">某县2022年政府信息公开工作年度报告</a><span>2023-03-01</span></li>
    </ul><div class="page"><script>${script}</script></div>`);

  it("lists every static page from the first", () => {
    const links = readPage(listing(`createPageHTML(3, 0, "index", "html");`), "https://www.x.gov.cn/zwgk/nb/");
    expect(urls(links.listings)).toEqual(["https://www.x.gov.cn/zwgk/nb/index_1.html", "https://www.x.gov.cn/zwgk/nb/index_2.html"]);
    expect(links.unreadable).toEqual([]);
  });

  it("still lists all the other pages from the last one", () => {
    const links = readPage(listing(`createPageHTML(3, 2, "index", "html");`), "https://www.x.gov.cn/zwgk/nb/index_2.html");
    expect(urls(links.listings)).toEqual(["https://www.x.gov.cn/zwgk/nb/index.html", "https://www.x.gov.cn/zwgk/nb/index_1.html"]);
  });

  it("reads the 21-page call of the issue, variables, and the six-argument form", () => {
    const links = readPage(listing(`createPageHTML(21, 0, "index", "html");`), "https://www.x.gov.cn/zwgk/nb/index.html");
    expect(links.listings).toHaveLength(20);
    expect(links.listings[19]!.url).toBe("https://www.x.gov.cn/zwgk/nb/index_20.html");
    expect(trsPageCalls([`var countPage = 4//共多少页\nvar currentPage = 1;\ncreatePageHTML(countPage, currentPage, "index", "shtml");`])).toEqual([{ count: 4, current: 1, prefix: "index", ext: "shtml" }]);
    expect(trsPageCalls([`createPageHTML('page_div', 5, 0, 'list', 'htm', 73);`])).toEqual([{ count: 5, current: 0, prefix: "list", ext: "htm" }]);
    expect(trsPageCalls([`createPage(2, 1, "index", "html")`])).toEqual([{ count: 2, current: 1, prefix: "index", ext: "html" }]);
  });

  it("ignores definitions and calls whose numbers are not clear", () => {
    expect(trsPageCalls([`function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt) { if (_nPageCount <= 1) return; }`])).toEqual([]);
    expect(trsPageCalls([`createPageHTML(n, 0, "index", "html")`, `createPage(120, 15)`, `createPageHTML(3, 3, "index", "html")`, `createPageHTML(3, 0, "../x", "html")`])).toEqual([]);
    expect(readPage(listing(`createPageHTML(1, 0, "index", "html");`), "https://www.x.gov.cn/zwgk/nb/").listings).toEqual([]);
  });
});

describe("linked pagination", () => {
  it("fills ?page= from 下一页 up to 尾页", () => {
    const html = page(`${CHROME}<table><tbody>
      <tr><td><a href="detail.jsp?id=31">某局2023年政府信息公开工作年度报告</a></td><td>2024-01-20</td></tr>
      <tr><td><a href="detail.jsp?id=29">某局2022年政府信息公开工作年度报告</a></td><td>2023-01-18</td></tr>
    </tbody></table>
    <div class="pagination"><span>1</span><a href="list.jsp?cat=5&amp;page=2">下一页</a><a href="list.jsp?cat=5&amp;page=6">尾页</a></div>`);
    const links = readPage(html, "https://www.x.gov.cn/xxgk/nb/list.jsp?cat=5");
    expect(urls(links.listings)).toEqual([2, 3, 4, 5, 6].map((n) => `https://www.x.gov.cn/xxgk/nb/list.jsp?cat=5&page=${n}`));
    expect(links.entries).toEqual([]);
  });

  it("on a middle page lists the earlier pages too", () => {
    const html = page(`<ul><li><a href="detail.jsp?id=3">某局2018年政府信息公开工作年度报告</a></li><li><a href="detail.jsp?id=2">某局2017年政府信息公开工作年度报告</a></li></ul>
      <div class="pages"><a href="list.jsp?cat=5&page=1">首页</a><a href="list.jsp?cat=5&page=2">&lt; 上一页</a>
      <a href="list.jsp?cat=5&page=4">下一页 &gt;</a><a href="list.jsp?cat=5&page=6">末页</a></div>`);
    const links = readPage(html, "https://www.x.gov.cn/xxgk/nb/list.jsp?cat=5&page=3");
    expect(urls(links.listings)).toEqual([1, 2, 4, 5, 6].map((n) => `https://www.x.gov.cn/xxgk/nb/list.jsp?cat=5&page=${n}`));
  });

  it("reads pageNum= links and numbered index_N.html links", () => {
    const jcms = page(`<div class="pager"><a href="index.html?uid=88&amp;pageNum=2">2</a><a href="index.html?uid=88&amp;pageNum=3">3</a>
      <a href="index.html?uid=88&amp;pageNum=2">下一页</a><a href="index.html?uid=88&amp;pageNum=7">尾页</a></div>`);
    expect(urls(readPage(jcms, "https://www.y.gov.cn/col/col1234/index.html").listings)).toEqual(
      [2, 3, 4, 5, 6, 7].map((n) => `https://www.y.gov.cn/col/col1234/index.html?uid=88&pageNum=${n}`),
    );
    const trs = page(`<div class="page"><span>1</span><a href="index_1.html">2</a><a href="index_2.html">3</a><a href="index_1.html">下一页</a><a href="index_9.html">尾页</a></div>`);
    const listed = urls(readPage(trs, "https://www.x.gov.cn/zwgk/nb/").listings);
    expect(listed).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => `https://www.x.gov.cn/zwgk/nb/index_${n}.html`));
  });

  it("reads a pager whose class looks like navigation, from a middle page", () => {
    const html = page(`${CHROME}<ul><li><a href="./202401/t20240101_1.htm">某县2023年政府信息公开工作年度报告</a></li></ul>
      <div class="page-nav"><a href="index.html">首页</a><a href="index_1.html">上一页</a><a href="index_1.html">2</a><span>3</span>
      <a href="index_3.html">4</a><a href="index_3.html">下一页</a><a href="index_5.html">尾页</a></div>`);
    const links = readPage(html, "https://www.x.gov.cn/zwgk/nb/index_2.html");
    expect(links.listings.map((l) => [l.url.replace("https://www.x.gov.cn/zwgk/nb/", ""), l.text])).toEqual([
      ["index.html", "第1页"], ["index_1.html", "2"], ["index_3.html", "4"], ["index_4.html", "第5页"], ["index_5.html", "第6页"],
    ]);
    expect(urls(links.columns)).toEqual(["https://www.x.gov.cn/zwgk/"]);
  });

  it("does not take the site's 首页 or article numbers for pagination", () => {
    const html = page(`${CHROME}<ul class="list"><li><a href="./202401/t20240110_1234.htm">通知</a></li><li><a href="./202402/t20240210_1235.htm">公告</a></li></ul>`);
    expect(readPage(html, "https://www.x.gov.cn/zwgk/tzgg/").listings).toEqual([]);
  });

  it("knows pagination words and page numbers in URLs", () => {
    expect(["下一页", "下页 >", "»", "上一页", "首页", "尾页", "末页", "3", "[4]", "第5页", "正文"].map(paginationKind)).toEqual([
      "next", "next", "next", "prev", "first", "last", "last", "number", "number", "number", null,
    ]);
    expect(pageNumberOf("https://x.gov.cn/a/list.jsp?pageIndex=4&c=1")).toMatchObject({ n: 4, template: "https://x.gov.cn/a/list.jsp?pageIndex={n}&c=1", base: null });
    expect(pageNumberOf("https://x.gov.cn/a/index_12.shtml")).toMatchObject({ n: 12, template: "https://x.gov.cn/a/index_{n}.shtml", base: "https://x.gov.cn/a/index.shtml" });
    expect(pageNumberOf("https://x.gov.cn/a/202401/t20240110_87885.htm")).toBeNull();
  });
});

describe("Hanweb JCMS datastore", () => {
  const record = (href: string, title: string, date: string) => `<record><![CDATA[
<li><a href="${href}" target="_blank" title="${title}">${title}</a><span>${date}</span></li>
]]></record>`;
  const jcms = (total: number, extra = "") =>
    page(`${CHROME}
    <div id="4567"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=1&path=/&columnid=1234&unitid=4567&webname=%E6%9F%90%E5%8E%BF&permissiontype=0"></a>]]></nextgroup>
<recordset>
${record("http://www.y.gov.cn/art/2024/3/1/art_1234_1001.html", "某县2023年政府信息公开工作年度报告", "2024-03-01")}
${record("/art/2023/3/1/art_1234_901.html", "某县2022年政府信息公开工作年度报告", "2023-03-01")}
${record("/art/2022/5/6/art_1234_800.html", "关于调整办公地址的通知", "2022-05-06")}
</recordset></datastore></script></div>
    <script language="javascript" src="/module/jslib/jquery/jpage/jquery.page.min.js"></script>
    <script>$(document).ready(function(){ $('#4567').jpage({ dataStore: dataStore, totalRecord: ${total}, perPage: 3, groupSize: 3, proxyUrl: '/module/web/jpage/dataproxy.jsp' }); });</script>${extra}`);

  it("reads the CDATA rows: reports and the list's other entries", () => {
    const links = readPage(jcms(3), "https://www.y.gov.cn/col/col1234/index.html");
    expect(links.reports).toEqual([
      { url: "http://www.y.gov.cn/art/2024/3/1/art_1234_1001.html", text: "某县2023年政府信息公开工作年度报告" },
      { url: "https://www.y.gov.cn/art/2023/3/1/art_1234_901.html", text: "某县2022年政府信息公开工作年度报告" },
    ]);
    expect(links.entries).toEqual([{ url: "https://www.y.gov.cn/art/2022/5/6/art_1234_800.html", text: "关于调整办公地址的通知" }]);
    expect(links.unreadable).toEqual([]);
  });

  it("reports the rows behind the data proxy as unreadable pages, with how many", () => {
    const links = readPage(jcms(9), "https://www.y.gov.cn/col/col1234/index.html");
    expect(links.unreadable).toHaveLength(1);
    expect(links.unreadable[0]!.pages).toBe(2);
    expect(links.unreadable[0]!.description).toMatch(/9 records.*3 in the page.*other 6 \(2 pages\).*dataproxy\.jsp/);
  });

  it("reads plain ?uid=&pageNum= links instead where the page has them", () => {
    const links = readPage(jcms(9, `<div class="pager"><a href="?uid=4567&amp;pageNum=2">下一页</a><a href="?uid=4567&amp;pageNum=3">尾页</a></div>`), "https://www.y.gov.cn/col/col1234/index.html");
    expect(urls(links.listings)).toEqual([2, 3].map((n) => `https://www.y.gov.cn/col/col1234/index.html?uid=4567&pageNum=${n}`));
    expect(links.unreadable).toEqual([]);
  });

  it("reads a datastore that is not inside a script", () => {
    const html = page(`<datastore><recordset>${record("/art/2024/1/2/art_9_1.html", "某局2023年政府信息公开工作年度报告", "2024-01-02")}</recordset></datastore><p>after</p>`);
    expect(urls(readPage(html, "https://www.y.gov.cn/col/col9/index.html").reports)).toEqual(["https://www.y.gov.cn/art/2024/1/2/art_9_1.html"]);
  });
});

describe("a channel's entries", () => {
  it("takes the letter and the notice of the report list as entries, not reports, and nothing of the chrome", () => {
    const html = page(`${CHROME}
      <div class="breadcrumb"><a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/nb/">政府信息公开年报</a></div>
      <div class="list"><ul>
        <li><a href="./202403/t20240308_87885.htm" title="某区2023年政府信息公开工作年度报告">某区2023年政府信息公开工作年度报告</a><span>2024-03-08</span></li>
        <li><a href="./201412/t20141230_80787.htm" title="关于2014年政府信息公开工作要点落实情况的函">关于2014年政府信息公开工作要点落实情况的函</a><span>2014-12-30</span></li>
        <li><a href="./202302/t20230220_80629.htm">某区2022年政府信息公开工作年度报告</a><span>2023-02-20</span></li>
        <li><a href="/zwgk/tzgg/202201/t20220105_1.htm">关于春节期间办公安排的通知</a><span>2022-01-05</span></li>
        <li><a href="https://www.other.gov.cn/art/2022/1/1/art_1_1.html">外站文章</a><span>2022-01-01</span></li>
      </ul>
      <div class="more"><a href="./more/">更多&gt;&gt;</a></div></div>
      <div class="page"><a href="index_1.html">下一页</a></div>`);
    const links = readPage(html, "https://www.x.gov.cn/zwgk/nb/");
    expect(urls(links.reports)).toEqual(["https://www.x.gov.cn/zwgk/nb/202403/t20240308_87885.htm", "https://www.x.gov.cn/zwgk/nb/202302/t20230220_80629.htm"]);
    expect(links.entries).toEqual([
      { url: "https://www.x.gov.cn/zwgk/nb/201412/t20141230_80787.htm", text: "关于2014年政府信息公开工作要点落实情况的函" },
      { url: "https://www.x.gov.cn/zwgk/tzgg/202201/t20220105_1.htm", text: "关于春节期间办公安排的通知" },
    ]);
    expect(urls(links.listings)).toEqual(["https://www.x.gov.cn/zwgk/nb/index_1.html"]);
  });

  it("reads table rows with a download link, and a lone report beside a letter", () => {
    const html = page(`<table><tbody>
      <tr><td><a href="./202401/t20240110_5.htm">某局2023年政府信息公开工作年度报告</a></td><td><a href="./202401/P020240110.pdf">下载</a></td></tr>
      <tr><td><a href="./202311/t20231101_4.htm">关于某事项的复函</a></td><td><a href="./202311/P020231101.pdf">下载</a></td></tr>
    </tbody></table>`);
    const links = readPage(html, "https://www.x.gov.cn/zwgk/nb/");
    expect(urls(links.reports)).toEqual(["https://www.x.gov.cn/zwgk/nb/202401/t20240110_5.htm"]);
    expect(urls(links.entries)).toEqual([
      "https://www.x.gov.cn/zwgk/nb/202401/P020240110.pdf",
      "https://www.x.gov.cn/zwgk/nb/202311/t20231101_4.htm",
      "https://www.x.gov.cn/zwgk/nb/202311/P020231101.pdf",
    ]);
  });

  it("takes no entries from a news list where one report is among many items", () => {
    const items = Array.from({ length: 8 }, (_, i) => `<li><a href="./2024/t2024010${i}_${i}.htm">新闻${i}</a></li>`).join("");
    const html = page(`<ul class="news">${items}<li><a href="./2024/t20240109_9.htm">某县2023年政府信息公开工作年度报告</a></li></ul>`);
    const links = readPage(html, "https://www.x.gov.cn/");
    expect(links.reports).toHaveLength(1);
    expect(links.entries).toEqual([]);
  });

  it("on a later page without report titles, takes the list's articles", () => {
    const html = page(`${CHROME}<ul class="list"><li><a href="./201412/t20141230_80787.htm">关于2014年政府信息公开工作要点落实情况的函</a></li>
      <li><a href="./201402/t20140210_80774.htm">某局工作总结</a></li></ul><div class="page"><a href="index.html">首页</a><a href="index.html">上一页</a></div>`, "", "政府信息公开年报_政府信息公开_某区人民政府");
    const links = readPage(html, "https://www.x.gov.cn/zwgk/nb/index_1.html");
    expect(urls(links.entries)).toEqual(["https://www.x.gov.cn/zwgk/nb/201412/t20141230_80787.htm", "https://www.x.gov.cn/zwgk/nb/201402/t20140210_80774.htm"]);
    expect(urls(links.listings)).toEqual(["https://www.x.gov.cn/zwgk/nb/index.html"]);
  });

  it("takes no entries nor unreadable pages from the script-driven news lists of a home page", () => {
    const news = Array.from({ length: 3 }, (_, i) => `<record><![CDATA[<li><a href="/art/2024/1/${i + 1}/art_77_${i}.html">要闻${i}</a></li>]]></record>`).join("");
    const html = page(`${CHROME}<div class="box"><a href="/col/col1234/index.html">政府信息公开年报</a></div>
      <div id="99"><script type="text/xml"><datastore><recordset>${news}</recordset></datastore></script></div>
      <script>$('#99').jpage({ totalRecord: 300, perPage: 3 });</script>
      <script>require(["list2.trsapi"], function (listModel) { listModel({ quickMode: "动静结合", maxStaticIndex: 1, pagebar: { prepage: 10, recordCount: '90' } }); });</script>`, "", "某县人民政府门户网站");
    const links = readPage(html, "https://www.y.gov.cn/");
    expect(links.unreadable).toEqual([]);
    expect(links.entries).toEqual([]);
    expect(links.columns[0]).toEqual({ url: "https://www.y.gov.cn/col/col1234/index.html", text: "政府信息公开年报" });
  });
});

describe("report page attachments", () => {
  const report = page(`${CHROME}
    <div class="breadcrumb"><a href="../../../">首页</a><a href="../../">政务公开</a><a href="../">政府信息公开年报</a></div>
    <div class="article"><h1>某县2023年政府信息公开工作年度报告</h1>
      <div class="article_content"><p>正文……</p><p><a href="/zwgk/zfxxgk/zn/">政府信息公开指南</a></p>
        <p><a href="/dl?id=5">年报全文.pdf</a></p>
        <p><a href="/generic/web/viewer.html?file=/up/2024/qzb.pdf">全真版</a></p></div>
      <div class="article_attachment" id="file_xmb"><ul id="file_ul_fj">
        <li><a href="./P020240308_1.pdf">附件1</a></li>
        <li><a href="./P020240308_2.docx">附件2</a></li>
        <li><a href="./P020240308_3.wps">附件3</a></li>
        <li><a href="./P020240308_4.ofd">附件4</a></li>
        <li><a href="./P020240308_5.JPG">附件5</a></li>
        <li><a href="/fjdownload?id=9">附件6</a></li>
        <li><a href="/download.jsp?file=P020240308_7.pdf&amp;v=2">附件7</a></li>
      </ul></div>
    </div>
    <script>var apps = [ { url: "./P020240308_8.pdf", name: "原件.pdf" } ]; var apps1 = [ ];</script>`);
  const links = readPage(report, "https://www.x.gov.cn/zwgk/nb/202403/t20240308_9.htm");

  it("lists every attachment, once, and nothing of the chrome", () => {
    expect(urls(links.attachments)).toEqual([
      "https://www.x.gov.cn/dl?id=5",
      "https://www.x.gov.cn/up/2024/qzb.pdf",
      "https://www.x.gov.cn/zwgk/nb/202403/P020240308_1.pdf",
      "https://www.x.gov.cn/zwgk/nb/202403/P020240308_2.docx",
      "https://www.x.gov.cn/zwgk/nb/202403/P020240308_3.wps",
      "https://www.x.gov.cn/zwgk/nb/202403/P020240308_4.ofd",
      "https://www.x.gov.cn/zwgk/nb/202403/P020240308_5.JPG",
      "https://www.x.gov.cn/fjdownload?id=9",
      "https://www.x.gov.cn/download.jsp?file=P020240308_7.pdf&v=2",
      "https://www.x.gov.cn/zwgk/nb/202403/P020240308_8.pdf",
    ]);
  });

  it("takes the breadcrumb back to the listing as the column, not as a report", () => {
    expect(links.reports).toEqual([]);
    expect(links.entries).toEqual([]);
    expect(links.columns[0]).toEqual({ url: "https://www.x.gov.cn/zwgk/nb/", text: "政府信息公开年报" });
  });

  it("knows attachment URLs", () => {
    for (const u of ["https://x.gov.cn/a.pdf", "https://x.gov.cn/a.PDF?v=1", "https://x.gov.cn/a.doc", "https://x.gov.cn/a.docx", "https://x.gov.cn/a.wps", "https://x.gov.cn/a.ofd", "https://x.gov.cn/a.jpeg", "https://x.gov.cn/a.png", "https://x.gov.cn/a.gif", "https://x.gov.cn/a.tif", "https://x.gov.cn/a.tiff", "https://x.gov.cn/a.webp", "https://x.gov.cn/dl.jsp?f=%2Fup%2Fa.pdf", "https://x.gov.cn/%E5%B9%B4%E6%8A%A5.pdf"]) {
      expect(isAttachmentUrl(u), u).toBe(true);
    }
    for (const u of ["https://x.gov.cn/a.htm", "https://x.gov.cn/pdf/", "https://x.gov.cn/a.pdf.html", "https://x.gov.cn/list?type=pdf"]) expect(isAttachmentUrl(u), u).toBe(false);
    expect(attachmentTarget("https://x.gov.cn/generic/web/viewer.html?file=/up/a.pdf")).toBe("https://x.gov.cn/up/a.pdf");
    expect(attachmentTarget("https://x.gov.cn/download.jsp?file=a.pdf")).toBe("https://x.gov.cn/download.jsp?file=a.pdf");
  });
});

const PINGTAN = join(SHARED, "sites/pingtan/index.html");
const LISTING_URL = "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/";

describeCorpus("the pingtan TRS listing (../shared/sites/pingtan)", () => {
  const PAGE_ONE: [string, string][] = [
    ["2025", "./202603/t20260313_105587.htm"],
    ["2024", "./202503/t20250310_97791.htm"],
    ["2023", "./202403/t20240308_87885.htm"],
    ["2022", "./202302/t20230220_80629.htm"],
    ["2021", "./202202/t20220208_80613.htm"],
    ["2020", "./202103/t20210305_80595.htm"],
    ["2019", "./202001/t20200120_80576.htm"],
    ["2018", "./201901/t20190110_80529.htm"],
    ["2017", "./201801/t20180123_80506.htm"],
    ["2016", "./201701/t20170118_80485.htm"],
  ];
  const html = existsSync(PINGTAN) ? readFileSync(PINGTAN, "utf8") : "";
  const links = readPage(html, LISTING_URL);

  it("finds exactly the ten static reports, newest first, with their titles", () => {
    expect(links.reports).toEqual(PAGE_ONE.map(([year, href]) => ({ url: new URL(href, LISTING_URL).href, text: `平潭综合实验区${year}年度政府信息公开工作年度报告` })));
  });

  it("takes nothing of the header, navigation or footer as a report or entry", () => {
    expect(links.entries).toEqual([]);
    for (const l of links.reports) expect(l.url.startsWith(LISTING_URL)).toBe(true);
    expect(links.attachments).toEqual([]);
    expect(links.listings).toEqual([]);
  });

  it("records that a second page exists behind the JS API", () => {
    expect(links.unreadable).toHaveLength(1);
    expect(links.unreadable[0]!.pages).toBe(1);
    expect(links.unreadable[0]!.description).toMatch(/20 records.*10 per page.*1 more page \(10 more records\).*JS API/);
  });

  it("names the column's other template and the sections, on the site only", () => {
    expect(links.columns).toEqual([
      { url: "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/nlist.htm", text: "政府信息公开年报" },
      { url: "https://www.pingtan.gov.cn/zwgk/", text: "政务公开" },
      { url: "https://www.pingtan.gov.cn/zwgk/zfxxgk/", text: "政府信息公开" },
    ]);
  });
});

describeCorpus("the pingtan report pages (../shared/corpus)", () => {
  for (const year of [2016, 2018, 2021, 2022, 2023, 2025]) {
    it(`${year}: no attachments, no reports, the breadcrumb leads back to the listing`, () => {
      const html = readFileSync(join(SHARED, "corpus", `pingtan-${year}.html`), "utf8");
      const url = /<meta name="Url" content="([^"]+)"/.exec(html)?.[1];
      expect(url).toMatch(/^https:\/\/www\.pingtan\.gov\.cn\/zwgk\/zfxxgk\/zfxxgknb\/\d{6}\/t\d{8}_\d+\.htm$/);
      const links = readPage(html, url!);
      expect(links.attachments).toEqual([]);
      expect(links.reports).toEqual([]);
      expect(links.entries).toEqual([]);
      expect(links.listings).toEqual([]);
      expect(links.unreadable).toEqual([]);
      expect(links.columns[0]).toEqual({ url: LISTING_URL, text: "政府信息公开年报" });
    });
  }
});
