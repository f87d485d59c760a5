<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_XA">
    <context>
        <name>AboutDialog</name>
        <message>
            <source>This source checkout has no licence report: run `{command}` in its top folder to make one, then reopen this dialog.</source>
            <translation>[Ţĥîš šöûŕçé çĥéçķöûţ ĥåš ñö ļîçéñçé ŕéþöŕţ: ŕûñ `{command}` îñ îţš ţöþ ƒöļđéŕ ţö ɱåķé öñé, ţĥéñ ŕéöþéñ ţĥîš đîåļöĝ. ··············································]</translation>
        </message>
        <message>
            <source>The licence report of this build cannot be read: {error}</source>
            <translation>[Ţĥé ļîçéñçé ŕéþöŕţ öƒ ţĥîš ƀûîļđ çåññöţ ƀé ŕéåđ: {error} ·······················]</translation>
        </message>
        <message>
            <source>version {version}</source>
            <translation>[véŕšîöñ {version} ·······]</translation>
        </message>
        <message>
            <source>commit {commit}</source>
            <translation>[çöɱɱîţ {commit} ······]</translation>
        </message>
        <message>
            <source>built {time}</source>
            <translation>[ƀûîļţ {time} ·····]</translation>
        </message>
        <message>
            <source>Build: {details}</source>
            <extracomment>{details}: "version 1.2.3, commit 0123abc, built 2025-05-01 12:30 UTC".</extracomment>
            <translation>[Ɓûîļđ: {details} ·······]</translation>
        </message>
        <message>
            <source>About SDM Desktop</source>
            <translation>[Åƀöûţ ŠĐṀ Đéšķţöþ ·······]</translation>
        </message>
        <message>
            <source>Server: {server}</source>
            <extracomment>Every library listed, in the order of the table's rows.</extracomment>
            <translation>[Šéŕvéŕ: {server} ·······]</translation>
        </message>
        <message>
            <source>Copyright © the SDM Desktop authors. Released under the MIT licence.</source>
            <translation>[Çöþýŕîĝĥţ © ţĥé ŠĐṀ Đéšķţöþ åûţĥöŕš. Ŕéļéåšéđ ûñđéŕ ţĥé ṀÎŢ ļîçéñçé. ····························]</translation>
        </message>
        <message>
            <source>Third-party licences</source>
            <extracomment>Why the libraries are not listed (no report, or one that cannot be read).</extracomment>
            <translation>[Ţĥîŕđ-þåŕţý ļîçéñçéš ········]</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>[Ñåɱé ··]</translation>
        </message>
        <message>
            <source>Version</source>
            <translation>[Ṽéŕšîöñ ···]</translation>
        </message>
        <message>
            <source>Licence</source>
            <translation>[Ļîçéñçé ···]</translation>
        </message>
        <message>
            <source>&amp;Third-party licences:</source>
            <translation>[&amp;Tĥîŕđ-þåŕţý ļîçéñçéš: ·········]</translation>
        </message>
        <message>
            <source>Licence text</source>
            <translation>[Ļîçéñçé ţéxţ ·····]</translation>
        </message>
        <message>
            <source>Licence te&amp;xt:</source>
            <translation>[Ļîçéñçé ţé&amp;xţ: ······]</translation>
        </message>
        <message>
            <source>&amp;Copy</source>
            <translation>[&amp;Cöþý ··]</translation>
        </message>
        <message>
            <source>Copy all licence notices to the clipboard</source>
            <translation>[Çöþý åļļ ļîçéñçé ñöţîçéš ţö ţĥé çļîþƀöåŕđ ·················]</translation>
        </message>
        <message>
            <source>Copy the versions and every licence notice as plain text</source>
            <translation>[Çöþý ţĥé véŕšîöñš åñđ évéŕý ļîçéñçé ñöţîçé åš þļåîñ ţéxţ ·······················]</translation>
        </message>
        <message>
            <source>About &amp;Qt</source>
            <translation>[Åƀöûţ &amp;Qţ ····]</translation>
        </message>
        <message>
            <source>Close</source>
            <extracomment>No "&amp;" here: the dialog's other buttons take the letters, and Escape closes it.</extracomment>
            <translation>[Çļöšé ··]</translation>
        </message>
        <message>
            <source>No licence text is shipped with this package; licence: {licence}</source>
            <translation>[Ñö ļîçéñçé ţéxţ îš šĥîþþéđ ŵîţĥ ţĥîš þåçķåĝé; ļîçéñçé: {licence} ··························]</translation>
        </message>
        <message>
            <source>About Qt</source>
            <translation>[Åƀöûţ Ǫţ ····]</translation>
        </message>
        <message>
            <source>This program uses Qt {qt} through PySide6 {pyside}.</source>
            <translation>[Ţĥîš þŕöĝŕåɱ ûšéš Ǫţ {qt} ţĥŕöûĝĥ ÞýŠîđé6 {pyside}. ·····················]</translation>
        </message>
    </context>
    <context>
        <name>AdminPinDialog</name>
        <message>
            <source>Enter the administrator PIN to leave kiosk mode.</source>
            <extracomment>The dialog closes by itself after this long without a key pressed in it. The dialog's words in English (it shows them translated: :meth:`AdminPinDialog.ask_text`).</extracomment>
            <translation>[Éñţéŕ ţĥé åđɱîñîšţŕåţöŕ ÞÎÑ ţö ļéåvé ķîöšķ ɱöđé. ····················]</translation>
        </message>
        <message>
            <source>That PIN is not right.</source>
            <translation>[Ţĥåţ ÞÎÑ îš ñöţ ŕîĝĥţ. ·········]</translation>
        </message>
        <message>
            <source>Too many wrong PINs. Try again in {seconds} s.</source>
            <translation>[Ţöö ɱåñý ŵŕöñĝ ÞÎÑš. Ţŕý åĝåîñ îñ {seconds} š. ···················]</translation>
        </message>
        <message>
            <source>Leave kiosk mode</source>
            <translation>[Ļéåvé ķîöšķ ɱöđé ·······]</translation>
        </message>
        <message>
            <source>PIN message</source>
            <translation>[ÞÎÑ ɱéššåĝé ·····]</translation>
        </message>
        <message>
            <source>Administrator PIN</source>
            <translation>[Åđɱîñîšţŕåţöŕ ÞÎÑ ·······]</translation>
        </message>
        <message>
            <source>&amp;PIN:</source>
            <translation>[&amp;PÎÑ: ··]</translation>
        </message>
        <message>
            <source>&amp;Leave kiosk mode</source>
            <translation>[&amp;Léåvé ķîöšķ ɱöđé ·······]</translation>
        </message>
    </context>
    <context>
        <name>AiStatusBanner</name>
        <message>
            <source>Assistant status</source>
            <translation>[Åššîšţåñţ šţåţûš ·······]</translation>
        </message>
        <message>
            <source>&amp;Download summary (PDF)</source>
            <translation>[&amp;Döŵñļöåđ šûɱɱåŕý (ÞĐƑ) ··········]</translation>
        </message>
        <message>
            <source>The assistant is thinking…</source>
            <translation>[Ţĥé åššîšţåñţ îš ţĥîñķîñĝ… ···········]</translation>
        </message>
        <message>
            <source>Generating your summary…</source>
            <translation>[Ĝéñéŕåţîñĝ ýöûŕ šûɱɱåŕý… ··········]</translation>
        </message>
        <message>
            <source>Analyzing the conversation (you may continue the dialogue)…</source>
            <translation>[Åñåļýžîñĝ ţĥé çöñvéŕšåţîöñ (ýöû ɱåý çöñţîñûé ţĥé đîåļöĝûé)… ························]</translation>
        </message>
        <message>
            <source>Your summary is ready.</source>
            <translation>[Ýöûŕ šûɱɱåŕý îš ŕéåđý. ·········]</translation>
        </message>
    </context>
    <context>
        <name>Composer</name>
        <message>
            <source>Message</source>
            <translation>[Ṁéššåĝé ···]</translation>
        </message>
        <message>
            <source>Type a message — Enter sends, Shift+Enter adds a line</source>
            <translation>[Ţýþé å ɱéššåĝé — Éñţéŕ šéñđš, Šĥîƒţ+Éñţéŕ åđđš å ļîñé ······················]</translation>
        </message>
    </context>
    <context>
        <name>ConnectionIndicator</name>
        <message>
            <source>Connection status</source>
            <extracomment>The colour of each state, a field of core.contrast.Colours: the scheme's value (text is always there too: colour is never the only signal). "Connected", but not everything is well (not signed in, messages waiting).</extracomment>
            <translation>[Çöññéçţîöñ šţåţûš ·······]</translation>
        </message>
        <message>
            <source>{status} — {attention}</source>
            <extracomment>The status line ("Connected"), then what qualifies it ("not signed in").</extracomment>
            <translation>[{status} — {attention} ·········]</translation>
        </message>
        <message>
            <source>{state}, {attention}</source>
            <translation>[{state}, {attention} ········]</translation>
        </message>
        <message>
            <source>Connection status: {state}</source>
            <translation>[Çöññéçţîöñ šţåţûš: {state} ···········]</translation>
        </message>
        <message>
            <source>Connected</source>
            <translation>[Çöññéçţéđ ····]</translation>
        </message>
        <message>
            <source>Not connected</source>
            <translation>[Ñöţ çöññéçţéđ ······]</translation>
        </message>
        <message>
            <source>Connecting</source>
            <translation>[Çöññéçţîñĝ ····]</translation>
        </message>
        <message>
            <source>Reconnecting</source>
            <translation>[Ŕéçöññéçţîñĝ ·····]</translation>
        </message>
        <message>
            <source>Offline</source>
            <translation>[Öƒƒļîñé ···]</translation>
        </message>
        <message>
            <source>Connection failed</source>
            <translation>[Çöññéçţîöñ ƒåîļéđ ·······]</translation>
        </message>
    </context>
    <context>
        <name>ConversationList</name>
        <message>
            <source>&amp;New conversation</source>
            <translation>[&amp;Néŵ çöñvéŕšåţîöñ ·······]</translation>
        </message>
        <message>
            <source>Start a new conversation (Ctrl+N)</source>
            <translation>[Šţåŕţ å ñéŵ çöñvéŕšåţîöñ (Çţŕļ+Ñ) ··············]</translation>
        </message>
        <message>
            <source>Conversations</source>
            <translation>[Çöñvéŕšåţîöñš ······]</translation>
        </message>
        <message>
            <source>Conversation</source>
            <translation>[Çöñvéŕšåţîöñ ·····]</translation>
        </message>
        <message>
            <source>{title}
Last used {when}
{id}</source>
            <translation>[{title}
Ļåšţ ûšéđ {when}
{id} ············]</translation>
        </message>
    </context>
    <context>
        <name>DiagnosticsDialog</name>
        <message>
            <source>yes</source>
            <translation>[ýéš ··]</translation>
        </message>
        <message>
            <source>no</source>
            <translation>[ñö ·]</translation>
        </message>
        <message>
            <source>{milliseconds} ms</source>
            <translation>[{milliseconds} ɱš ·······]</translation>
        </message>
        <message>
            <source>{seconds} s</source>
            <translation>[{seconds} š ·····]</translation>
        </message>
        <message>
            <source>signed out</source>
            <translation>[šîĝñéđ öûţ ····]</translation>
        </message>
        <message>
            <source>not yet checked</source>
            <translation>[ñöţ ýéţ çĥéçķéđ ······]</translation>
        </message>
        <message>
            <source>signed in</source>
            <translation>[šîĝñéđ îñ ····]</translation>
        </message>
        <message>
            <source>expired</source>
            <translation>[éxþîŕéđ ···]</translation>
        </message>
        <message>
            <source>State</source>
            <translation>[Šţåţé ··]</translation>
        </message>
        <message>
            <source>Conversation</source>
            <translation>[Çöñvéŕšåţîöñ ·····]</translation>
        </message>
        <message>
            <source>Reconnect attempts</source>
            <translation>[Ŕéçöññéçţ åţţéɱþţš ········]</translation>
        </message>
        <message>
            <source>Latency</source>
            <translation>[Ļåţéñçý ···]</translation>
        </message>
        <message>
            <source>Listeners</source>
            <translation>[Ļîšţéñéŕš ····]</translation>
        </message>
        <message>
            <source>Status listeners</source>
            <translation>[Šţåţûš ļîšţéñéŕš ·······]</translation>
        </message>
        <message>
            <source>Last close</source>
            <translation>[Ļåšţ çļöšé ····]</translation>
        </message>
        <message>
            <source>Failure reason</source>
            <translation>[Ƒåîļûŕé ŕéåšöñ ······]</translation>
        </message>
        <message>
            <source>Last error detail</source>
            <translation>[Ļåšţ éŕŕöŕ đéţåîļ ·······]</translation>
        </message>
        <message>
            <source>Next retry in</source>
            <translation>[Ñéxţ ŕéţŕý îñ ······]</translation>
        </message>
        <message>
            <source>Network available</source>
            <translation>[Ñéţŵöŕķ åvåîļåƀļé ·······]</translation>
        </message>
        <message>
            <source>Thinking</source>
            <translation>[Ţĥîñķîñĝ ····]</translation>
        </message>
        <message>
            <source>Extracting</source>
            <translation>[Éxţŕåçţîñĝ ····]</translation>
        </message>
        <message>
            <source>Summary generating</source>
            <translation>[Šûɱɱåŕý ĝéñéŕåţîñĝ ········]</translation>
        </message>
        <message>
            <source>Sign-in</source>
            <translation>[Šîĝñ-îñ ···]</translation>
        </message>
        <message>
            <source>not tracked</source>
            <translation>[ñöţ ţŕåçķéđ ·····]</translation>
        </message>
        <message>
            <source>Kept in</source>
            <translation>[Ķéþţ îñ ···]</translation>
        </message>
        <message>
            <source>Last request error</source>
            <translation>[Ļåšţ ŕéǫûéšţ éŕŕöŕ ········]</translation>
        </message>
        <message>
            <source>{count} attempts since the last sign-in</source>
            <translation>[{count} åţţéɱþţš šîñçé ţĥé ļåšţ šîĝñ-îñ ················]</translation>
        </message>
        <message>
            <source>Unattended sign-in</source>
            <translation>[Ûñåţţéñđéđ šîĝñ-îñ ········]</translation>
        </message>
        <message>
            <source>Unattended sign-in problem</source>
            <translation>[Ûñåţţéñđéđ šîĝñ-îñ þŕöƀļéɱ ···········]</translation>
        </message>
        <message>
            <source>Online</source>
            <translation>[Öñļîñé ···]</translation>
        </message>
        <message>
            <source>Backend</source>
            <translation>[Ɓåçķéñđ ···]</translation>
        </message>
        <message>
            <source>code {code}</source>
            <translation>[çöđé {code} ·····]</translation>
        </message>
        <message>
            <source>attempt {attempt}</source>
            <translation>[åţţéɱþţ {attempt} ·······]</translation>
        </message>
        <message>
            <source>delay {delay}</source>
            <translation>[đéļåý {delay} ······]</translation>
        </message>
        <message>
            <source>SDM Desktop {version} connection diagnostics, {time}</source>
            <translation>[ŠĐṀ Đéšķţöþ {version} çöññéçţîöñ đîåĝñöšţîçš, {time} ·····················]</translation>
        </message>
        <message>
            <source>Recent events, newest first</source>
            <translation>[Ŕéçéñţ évéñţš, ñéŵéšţ ƒîŕšţ ···········]</translation>
        </message>
        <message>
            <source>(none)</source>
            <translation>[(ñöñé) ···]</translation>
        </message>
        <message>
            <source>Connection diagnostics</source>
            <translation>[Çöññéçţîöñ đîåĝñöšţîçš ·········]</translation>
        </message>
        <message>
            <source>A live view of the connection, refreshed twice a second. It shows ids and states only, never message text: you may paste it into a support ticket.</source>
            <translation>[Å ļîvé vîéŵ öƒ ţĥé çöññéçţîöñ, ŕéƒŕéšĥéđ ţŵîçé å šéçöñđ. Îţ šĥöŵš îđš åñđ šţåţéš öñļý, ñévéŕ ɱéššåĝé ţéxţ: ýöû ɱåý þåšţé îţ îñţö å šûþþöŕţ ţîçķéţ. ···························································]</translation>
        </message>
        <message>
            <source>Property</source>
            <extracomment>One table per socket, in the bridge's order.</extracomment>
            <translation>[Þŕöþéŕţý ····]</translation>
        </message>
        <message>
            <source>Value</source>
            <translation>[Ṽåļûé ··]</translation>
        </message>
        <message>
            <source>Assistant status</source>
            <translation>[Åššîšţåñţ šţåţûš ·······]</translation>
        </message>
        <message>
            <source>Network</source>
            <translation>[Ñéţŵöŕķ ···]</translation>
        </message>
        <message>
            <source>Session</source>
            <translation>[Šéššîöñ ···]</translation>
        </message>
        <message>
            <source>Assistant</source>
            <translation>[Åššîšţåñţ ····]</translation>
        </message>
        <message>
            <source>Recent connection events</source>
            <translation>[Ŕéçéñţ çöññéçţîöñ évéñţš ··········]</translation>
        </message>
        <message>
            <source>Time</source>
            <translation>[Ţîɱé ··]</translation>
        </message>
        <message>
            <source>Socket</source>
            <translation>[Šöçķéţ ···]</translation>
        </message>
        <message>
            <source>Event</source>
            <translation>[Évéñţ ··]</translation>
        </message>
        <message>
            <source>Details</source>
            <translation>[Đéţåîļš ···]</translation>
        </message>
        <message>
            <source>&amp;Copy to clipboard</source>
            <translation>[&amp;Cöþý ţö çļîþƀöåŕđ ········]</translation>
        </message>
        <message>
            <source>Copy diagnostics to clipboard</source>
            <translation>[Çöþý đîåĝñöšţîçš ţö çļîþƀöåŕđ ············]</translation>
        </message>
        <message>
            <source>Close diagnostics</source>
            <translation>[Çļöšé đîåĝñöšţîçš ·······]</translation>
        </message>
        <message>
            <source>Recent events (newest first)</source>
            <translation>[Ŕéçéñţ évéñţš (ñéŵéšţ ƒîŕšţ) ············]</translation>
        </message>
        <message>
            <source>{name} socket</source>
            <extracomment>A socket's name ("Chat", "Status"): a table's title and accessible name.</extracomment>
            <translation>[{name} šöçķéţ ······]</translation>
        </message>
    </context>
    <context>
        <name>EmptyPrompt</name>
        <message>
            <source>Ask a question about your care options. Type it in the box below and press Enter.</source>
            <extracomment>What :class:`EmptyPrompt` says (its English; the prompt shows it translated).</extracomment>
            <translation>[Åšķ å ǫûéšţîöñ åƀöûţ ýöûŕ çåŕé öþţîöñš. Ţýþé îţ îñ ţĥé ƀöx ƀéļöŵ åñđ þŕéšš Éñţéŕ. ·································]</translation>
        </message>
        <message>
            <source>How to start</source>
            <translation>[Ĥöŵ ţö šţåŕţ ·····]</translation>
        </message>
    </context>
    <context>
        <name>KioskHeading</name>
        <message>
            <source>The clinic this kiosk belongs to</source>
            <extracomment>Text larger than the kiosk's own (times it; bold?), by object name: the heading here, and the banner and Start over button of :mod:`desktop_app.ui.kiosk` (a style sheet's size wins over the font they set for themselves).</extracomment>
            <translation>[Ţĥé çļîñîç ţĥîš ķîöšķ ƀéļöñĝš ţö ·············]</translation>
        </message>
    </context>
    <context>
        <name>LinkPanel</name>
        <message>
            <source>Links are not opened on this kiosk. Write the address down to read it later.</source>
            <extracomment>A title or an address longer than this is cut: the panel is a glance, not a page. The panel's note (its English; the panel shows it translated).</extracomment>
            <translation>[Ļîñķš åŕé ñöţ öþéñéđ öñ ţĥîš ķîöšķ. Ŵŕîţé ţĥé åđđŕéšš đöŵñ ţö ŕéåđ îţ ļåţéŕ. ·······························]</translation>
        </message>
        <message>
            <source>Link</source>
            <translation>[Ļîñķ ··]</translation>
        </message>
        <message>
            <source>Link title</source>
            <translation>[Ļîñķ ţîţļé ····]</translation>
        </message>
        <message>
            <source>Link address</source>
            <translation>[Ļîñķ åđđŕéšš ·····]</translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <source>Your message is queued as soon as SDM Desktop has started.</source>
            <extracomment>Live messages reach the transcript at most this often (a lone message at once). Every insertion makes the list view lay out all its rows again, so a burst of messages is shown in batches rather than one relayout per message.</extracomment>
            <translation>[Ýöûŕ ɱéššåĝé îš ǫûéûéđ åš šööñ åš ŠĐṀ Đéšķţöþ ĥåš šţåŕţéđ. ························]</translation>
        </message>
        <message>
            <source>SDM summary {conversation}.pdf</source>
            <translation>[ŠĐṀ šûɱɱåŕý {conversation}.þđƒ ············]</translation>
        </message>
        <message>
            <source>SDM Desktop</source>
            <extracomment>Offered here, where the window is built; WindowServices is defined next to the bridge, the one ui module that knows the managers it carries. The first paint: the composer (ready for typing) and the status bar are on screen. What the person opened while the window was starting (None: a new conversation).</extracomment>
            <translation>[ŠĐṀ Đéšķţöþ ·····]</translation>
        </message>
        <message>
            <source>&amp;Send</source>
            <translation>[&amp;Séñđ ··]</translation>
        </message>
        <message>
            <source>Send the message (Enter)</source>
            <translation>[Šéñđ ţĥé ɱéššåĝé (Éñţéŕ) ··········]</translation>
        </message>
        <message>
            <source>&amp;New conversation</source>
            <translation>[&amp;Néŵ çöñvéŕšåţîöñ ·······]</translation>
        </message>
        <message>
            <source>&amp;Sign in…</source>
            <translation>[&amp;Sîĝñ îñ… ····]</translation>
        </message>
        <message>
            <source>Sign &amp;out</source>
            <translation>[Šîĝñ &amp;oûţ ····]</translation>
        </message>
        <message>
            <source>&amp;Wipe demo data…</source>
            <translation>[&amp;Wîþé đéɱö đåţå… ·······]</translation>
        </message>
        <message>
            <source>&amp;Quit</source>
            <translation>[&amp;Qûîţ ··]</translation>
        </message>
        <message>
            <source>&amp;Reconnect now</source>
            <translation>[&amp;Réçöññéçţ ñöŵ ······]</translation>
        </message>
        <message>
            <source>Connection &amp;diagnostics</source>
            <translation>[Çöññéçţîöñ &amp;dîåĝñöšţîçš ··········]</translation>
        </message>
        <message>
            <source>&amp;About SDM Desktop</source>
            <translation>[&amp;Aƀöûţ ŠĐṀ Đéšķţöþ ········]</translation>
        </message>
        <message>
            <source>&amp;Keyboard shortcuts</source>
            <translation>[&amp;Kéýƀöåŕđ šĥöŕţçûţš ········]</translation>
        </message>
        <message>
            <source>&amp;Next pane</source>
            <translation>[&amp;Néxţ þåñé ····]</translation>
        </message>
        <message>
            <source>&amp;Previous pane</source>
            <translation>[&amp;Pŕévîöûš þåñé ······]</translation>
        </message>
        <message>
            <source>&amp;Conversation list</source>
            <translation>[&amp;Cöñvéŕšåţîöñ ļîšţ ········]</translation>
        </message>
        <message>
            <source>&amp;Transcript</source>
            <translation>[&amp;Tŕåñšçŕîþţ ·····]</translation>
        </message>
        <message>
            <source>&amp;Message box</source>
            <translation>[&amp;Méššåĝé ƀöx ·····]</translation>
        </message>
        <message>
            <source>&amp;File</source>
            <translation>[&amp;Fîļé ··]</translation>
        </message>
        <message>
            <source>&amp;Connection</source>
            <translation>[&amp;Cöññéçţîöñ ·····]</translation>
        </message>
        <message>
            <source>&amp;View</source>
            <translation>[&amp;Vîéŵ ··]</translation>
        </message>
        <message>
            <source>&amp;Go</source>
            <translation>[&amp;Gö ··]</translation>
        </message>
        <message>
            <source>&amp;Help</source>
            <translation>[&amp;Héļþ ··]</translation>
        </message>
        <message>
            <source>Message not queued</source>
            <extracomment>The send under way, if any (a test may await it).</extracomment>
            <translation>[Ṁéššåĝé ñöţ ǫûéûéđ ········]</translation>
        </message>
        <message>
            <source>Wipe demo data</source>
            <translation>[Ŵîþé đéɱö đåţå ······]</translation>
        </message>
        <message>
            <source>Delete every conversation of the demo server on this computer: its messages, replies and summaries, and the messages waiting to be sent to it? This cannot be undone. A new conversation opens afterwards.</source>
            <translation>[Đéļéţé évéŕý çöñvéŕšåţîöñ öƒ ţĥé đéɱö šéŕvéŕ öñ ţĥîš çöɱþûţéŕ: îţš ɱéššåĝéš, ŕéþļîéš åñđ šûɱɱåŕîéš, åñđ ţĥé ɱéššåĝéš ŵåîţîñĝ ţö ƀé šéñţ ţö îţ? Ţĥîš çåññöţ ƀé ûñđöñé. Å ñéŵ çöñvéŕšåţîöñ öþéñš åƒţéŕŵåŕđš. ·················································································]</translation>
        </message>
        <message>
            <source>&amp;Wipe</source>
            <translation>[&amp;Wîþé ··]</translation>
        </message>
        <message>
            <source>The demo data was wiped. A new conversation opens.</source>
            <translation>[Ţĥé đéɱö đåţå ŵåš ŵîþéđ. Å ñéŵ çöñvéŕšåţîöñ öþéñš. ····················]</translation>
        </message>
        <message>
            <source>&amp;Retry sending</source>
            <translation>[&amp;Réţŕý šéñđîñĝ ······]</translation>
        </message>
        <message>
            <source>&amp;Delete message</source>
            <translation>[&amp;Déļéţé ɱéššåĝé ······]</translation>
        </message>
        <message>
            <source>&amp;Copy text</source>
            <translation>[&amp;Cöþý ţéxţ ····]</translation>
        </message>
        <message>
            <source>Send in a &amp;new conversation</source>
            <translation>[Šéñđ îñ å &amp;néŵ çöñvéŕšåţîöñ ···········]</translation>
        </message>
        <message>
            <source>Message text copied.</source>
            <translation>[Ṁéššåĝé ţéxţ çöþîéđ. ········]</translation>
        </message>
        <message>
            <source>Conversation {conversation}</source>
            <translation>[Çöñvéŕšåţîöñ {conversation} ···········]</translation>
        </message>
        <message>
            <source>Queue the message: it is sent when the connection is back (Enter)</source>
            <translation>[Ǫûéûé ţĥé ɱéššåĝé: îţ îš šéñţ ŵĥéñ ţĥé çöññéçţîöñ îš ƀåçķ (Éñţéŕ) ··························]</translation>
        </message>
        <message>
            <source>Save summary</source>
            <translation>[Šåvé šûɱɱåŕý ·····]</translation>
        </message>
        <message>
            <source>PDF (*.pdf)</source>
            <translation>[ÞĐƑ (*.þđƒ) ·····]</translation>
        </message>
        <message>
            <source>Downloading the summary…</source>
            <translation>[Đöŵñļöåđîñĝ ţĥé šûɱɱåŕý… ··········]</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>[Çåñçéļ ···]</translation>
        </message>
        <message>
            <source>Summary</source>
            <translation>[Šûɱɱåŕý ···]</translation>
        </message>
        <message>
            <source>Summary saved to {file}</source>
            <translation>[Šûɱɱåŕý šåvéđ ţö {file} ··········]</translation>
        </message>
        <message>
            <source>Summary saved</source>
            <translation>[Šûɱɱåŕý šåvéđ ······]</translation>
        </message>
        <message>
            <source>The summary was saved to
{file}

Open it now?</source>
            <translation>[Ţĥé šûɱɱåŕý ŵåš šåvéđ ţö
{file}

Öþéñ îţ ñöŵ? ··················]</translation>
        </message>
        <message>
            <source>The summary could not be downloaded: {reason}.</source>
            <translation>[Ţĥé šûɱɱåŕý çöûļđ ñöţ ƀé đöŵñļöåđéđ: {reason}. ···················]</translation>
        </message>
        <message>
            <source>Summary not saved</source>
            <translation>[Šûɱɱåŕý ñöţ šåvéđ ·······]</translation>
        </message>
        <message>
            <source>the file could not be written (is the disk full, or the folder read-only?)</source>
            <translation>[ţĥé ƒîļé çöûļđ ñöţ ƀé ŵŕîţţéñ (îš ţĥé đîšķ ƒûļļ, öŕ ţĥé ƒöļđéŕ ŕéåđ-öñļý?) ······························]</translation>
        </message>
        <message>
            <source>something unexpected went wrong</source>
            <translation>[šöɱéţĥîñĝ ûñéxþéçţéđ ŵéñţ ŵŕöñĝ ·············]</translation>
        </message>
        <message>
            <source>Could not download the summary: {reason}.</source>
            <translation>[Çöûļđ ñöţ đöŵñļöåđ ţĥé šûɱɱåŕý: {reason}. ·················]</translation>
        </message>
        <message>
            <source>Could not sign out: {reason}.</source>
            <translation>[Çöûļđ ñöţ šîĝñ öûţ: {reason}. ············]</translation>
        </message>
        <message>
            <source>Could not start a new conversation: {reason}.</source>
            <translation>[Çöûļđ ñöţ šţåŕţ å ñéŵ çöñvéŕšåţîöñ: {reason}. ··················]</translation>
        </message>
        <message>
            <source>Could not move the message to a new conversation: {reason}.</source>
            <translation>[Çöûļđ ñöţ ɱövé ţĥé ɱéššåĝé ţö å ñéŵ çöñvéŕšåţîöñ: {reason}. ························]</translation>
        </message>
        <message>
            <source>Could not load the conversation: {reason}.</source>
            <translation>[Çöûļđ ñöţ ļöåđ ţĥé çöñvéŕšåţîöñ: {reason}. ·················]</translation>
        </message>
        <message>
            <source>Could not wipe the demo data: {reason}.</source>
            <translation>[Çöûļđ ñöţ ŵîþé ţĥé đéɱö đåţå: {reason}. ················]</translation>
        </message>
        <message>
            <source>Could not queue the message again: {reason}.</source>
            <translation>[Çöûļđ ñöţ ǫûéûé ţĥé ɱéššåĝé åĝåîñ: {reason}. ··················]</translation>
        </message>
        <message>
            <source>Could not delete the message: {reason}.</source>
            <translation>[Çöûļđ ñöţ đéļéţé ţĥé ɱéššåĝé: {reason}. ················]</translation>
        </message>
        <message>
            <source>Could not finish what you asked for: {reason}.</source>
            <translation>[Çöûļđ ñöţ ƒîñîšĥ ŵĥåţ ýöû åšķéđ ƒöŕ: {reason}. ···················]</translation>
        </message>
    </context>
    <context>
        <name>NoticeBar</name>
        <message>
            <source>Notice</source>
            <translation>[Ñöţîçé ···]</translation>
        </message>
        <message>
            <source>Notice action</source>
            <translation>[Ñöţîçé åçţîöñ ······]</translation>
        </message>
    </context>
    <context>
        <name>OfflineBanner</name>
        <message>
            <source>Connection problem</source>
            <extracomment>Dark text on amber while the app is on it; white on dark red when it waits to try again. Idle this long, nothing in the outbox: a new conversation for the next visitor (0: never). The administrator PIN's hash (core.pin's text form); the exit needs the keys and the PIN.</extracomment>
            <translation>[Çöññéçţîöñ þŕöƀļéɱ ········]</translation>
        </message>
    </context>
    <context>
        <name>ReconnectButton</name>
        <message>
            <source>&amp;Reconnect</source>
            <translation>[&amp;Réçöññéçţ ····]</translation>
        </message>
        <message>
            <source>Try to connect now instead of waiting (Alt+R)</source>
            <extracomment>The shortcut in the brackets is the one the button's "&amp;" makes.</extracomment>
            <translation>[Ţŕý ţö çöññéçţ ñöŵ îñšţéåđ öƒ ŵåîţîñĝ (Åļţ+Ŕ) ··················]</translation>
        </message>
    </context>
    <context>
        <name>ServerBanner</name>
        <message>
            <source>Demo server — do not enter patient data</source>
            <translation>[Đéɱö šéŕvéŕ — đö ñöţ éñţéŕ þåţîéñţ đåţå ················]</translation>
        </message>
        <message>
            <source>Not secure: this server address uses http://, your password is sent unencrypted</source>
            <translation>[Ñöţ šéçûŕé: ţĥîš šéŕvéŕ åđđŕéšš ûšéš ĥţţþ://, ýöûŕ þåššŵöŕđ îš šéñţ ûñéñçŕýþţéđ ································]</translation>
        </message>
        <message>
            <source>Server warning</source>
            <translation>[Šéŕvéŕ ŵåŕñîñĝ ······]</translation>
        </message>
    </context>
    <context>
        <name>ShortcutsDialog</name>
        <message>
            <source>Enter</source>
            <translation>[Éñţéŕ ··]</translation>
        </message>
        <message>
            <source>Send the message (in the message box)</source>
            <translation>[Šéñđ ţĥé ɱéššåĝé (îñ ţĥé ɱéššåĝé ƀöx) ···············]</translation>
        </message>
        <message>
            <source>Shift+Enter</source>
            <translation>[Šĥîƒţ+Éñţéŕ ·····]</translation>
        </message>
        <message>
            <source>Start a new line in the message box</source>
            <translation>[Šţåŕţ å ñéŵ ļîñé îñ ţĥé ɱéššåĝé ƀöx ··············]</translation>
        </message>
        <message>
            <source>Tab</source>
            <translation>[Ţåƀ ··]</translation>
        </message>
        <message>
            <source>Next control: conversations, transcript, assistant and notice buttons, message box, Send, Reconnect</source>
            <translation>[Ñéxţ çöñţŕöļ: çöñvéŕšåţîöñš, ţŕåñšçŕîþţ, åššîšţåñţ åñđ ñöţîçé ƀûţţöñš, ɱéššåĝé ƀöx, Šéñđ, Ŕéçöññéçţ ········································]</translation>
        </message>
        <message>
            <source>Shift+Tab</source>
            <translation>[Šĥîƒţ+Ţåƀ ····]</translation>
        </message>
        <message>
            <source>Previous control</source>
            <translation>[Þŕévîöûš çöñţŕöļ ·······]</translation>
        </message>
        <message>
            <source>Up, Down</source>
            <translation>[Ûþ, Đöŵñ ····]</translation>
        </message>
        <message>
            <source>Move in the conversation list or the transcript</source>
            <translation>[Ṁövé îñ ţĥé çöñvéŕšåţîöñ ļîšţ öŕ ţĥé ţŕåñšçŕîþţ ···················]</translation>
        </message>
        <message>
            <source>Enter (conversation list)</source>
            <translation>[Éñţéŕ (çöñvéŕšåţîöñ ļîšţ) ··········]</translation>
        </message>
        <message>
            <source>Open the conversation</source>
            <translation>[Öþéñ ţĥé çöñvéŕšåţîöñ ·········]</translation>
        </message>
        <message>
            <source>Page Up, Page Down, Home, End</source>
            <translation>[Þåĝé Ûþ, Þåĝé Đöŵñ, Ĥöɱé, Éñđ ············]</translation>
        </message>
        <message>
            <source>Move through the transcript</source>
            <translation>[Ṁövé ţĥŕöûĝĥ ţĥé ţŕåñšçŕîþţ ···········]</translation>
        </message>
        <message>
            <source>Ctrl+C (transcript)</source>
            <translation>[Çţŕļ+Ç (ţŕåñšçŕîþţ) ········]</translation>
        </message>
        <message>
            <source>Copy the selected message</source>
            <translation>[Çöþý ţĥé šéļéçţéđ ɱéššåĝé ··········]</translation>
        </message>
        <message>
            <source>Menu, Shift+F10 (transcript)</source>
            <translation>[Ṁéñû, Šĥîƒţ+Ƒ10 (ţŕåñšçŕîþţ) ············]</translation>
        </message>
        <message>
            <source>Retry, delete or copy a message that was not sent</source>
            <translation>[Ŕéţŕý, đéļéţé öŕ çöþý å ɱéššåĝé ţĥåţ ŵåš ñöţ šéñţ ····················]</translation>
        </message>
        <message>
            <source>Space</source>
            <translation>[Šþåçé ··]</translation>
        </message>
        <message>
            <source>Press the focused button</source>
            <translation>[Þŕéšš ţĥé ƒöçûšéđ ƀûţţöñ ··········]</translation>
        </message>
        <message>
            <source>Escape</source>
            <translation>[Éšçåþé ···]</translation>
        </message>
        <message>
            <source>Close a dialog; focus returns to the message box</source>
            <translation>[Çļöšé å đîåļöĝ; ƒöçûš ŕéţûŕñš ţö ţĥé ɱéššåĝé ƀöx ····················]</translation>
        </message>
        <message>
            <source>(unnamed)</source>
            <translation>[(ûññåɱéđ) ····]</translation>
        </message>
        <message>
            <source>{command} menu</source>
            <translation>[{command} ɱéñû ······]</translation>
        </message>
        <message>
            <source>{command} (button)</source>
            <translation>[{command} (ƀûţţöñ) ········]</translation>
        </message>
        <message>
            <source>Keyboard shortcuts</source>
            <translation>[Ķéýƀöåŕđ šĥöŕţçûţš ········]</translation>
        </message>
        <message>
            <source>Every action of SDM Desktop can be reached with the keyboard. F6 moves between the conversation list, the transcript and the message box.</source>
            <translation>[Évéŕý åçţîöñ öƒ ŠĐṀ Đéšķţöþ çåñ ƀé ŕéåçĥéđ ŵîţĥ ţĥé ķéýƀöåŕđ. Ƒ6 ɱövéš ƀéţŵééñ ţĥé çöñvéŕšåţîöñ ļîšţ, ţĥé ţŕåñšçŕîþţ åñđ ţĥé ɱéššåĝé ƀöx. ·······················································]</translation>
        </message>
        <message>
            <source>Each row: the keys, and what they do.</source>
            <translation>[Éåçĥ ŕöŵ: ţĥé ķéýš, åñđ ŵĥåţ ţĥéý đö. ···············]</translation>
        </message>
        <message>
            <source>Keys</source>
            <translation>[Ķéýš ··]</translation>
        </message>
        <message>
            <source>Action</source>
            <translation>[Åçţîöñ ···]</translation>
        </message>
    </context>
    <context>
        <name>SignInDialog</name>
        <message>
            <source>Sign in</source>
            <translation>[Šîĝñ îñ ···]</translation>
        </message>
        <message>
            <source>Sign in to {server} to open your conversations.</source>
            <translation>[Šîĝñ îñ ţö {server} ţö öþéñ ýöûŕ çöñvéŕšåţîöñš. ···················]</translation>
        </message>
        <message>
            <source>Email</source>
            <translation>[Éɱåîļ ··]</translation>
        </message>
        <message>
            <source>Password</source>
            <translation>[Þåššŵöŕđ ····]</translation>
        </message>
        <message>
            <source>&amp;Email:</source>
            <translation>[&amp;Eɱåîļ: ···]</translation>
        </message>
        <message>
            <source>&amp;Password:</source>
            <translation>[&amp;Påššŵöŕđ: ····]</translation>
        </message>
        <message>
            <source>Demo server account: {email} / {password}</source>
            <extracomment>The demo server's made-up account: its email, then its password.</extracomment>
            <translation>[Đéɱö šéŕvéŕ åççöûñţ: {email} / {password} ·················]</translation>
        </message>
        <message>
            <source>Enter your email and password.</source>
            <translation>[Éñţéŕ ýöûŕ éɱåîļ åñđ þåššŵöŕđ. ············]</translation>
        </message>
        <message>
            <source>Wrong email or password. Please try again.</source>
            <translation>[Ŵŕöñĝ éɱåîļ öŕ þåššŵöŕđ. Þļéåšé ţŕý åĝåîñ. ·················]</translation>
        </message>
        <message>
            <source>The server cannot be reached. Check the network connection, then try again.</source>
            <translation>[Ţĥé šéŕvéŕ çåññöţ ƀé ŕéåçĥéđ. Çĥéçķ ţĥé ñéţŵöŕķ çöññéçţîöñ, ţĥéñ ţŕý åĝåîñ. ······························]</translation>
        </message>
        <message>
            <source>The server refused the sign-in. Try again; if it keeps failing, tell your administrator.</source>
            <translation>[Ţĥé šéŕvéŕ ŕéƒûšéđ ţĥé šîĝñ-îñ. Ţŕý åĝåîñ; îƒ îţ ķééþš ƒåîļîñĝ, ţéļļ ýöûŕ åđɱîñîšţŕåţöŕ. ····································]</translation>
        </message>
    </context>
    <context>
        <name>StartOverButton</name>
        <message>
            <source>Start &amp;over</source>
            <extracomment>The rule against guessing the PIN; None: no PIN configured, nobody leaves. What counts as a visitor using the kiosk, besides messages and replies.</extracomment>
            <translation>[Šţåŕţ &amp;ovéŕ ·····]</translation>
        </message>
        <message>
            <source>Start over</source>
            <translation>[Šţåŕţ övéŕ ····]</translation>
        </message>
        <message>
            <source>Clear the screen and start a new conversation for the next person</source>
            <translation>[Çļéåŕ ţĥé šçŕééñ åñđ šţåŕţ å ñéŵ çöñvéŕšåţîöñ ƒöŕ ţĥé ñéxţ þéŕšöñ ··························]</translation>
        </message>
        <message>
            <source>Clear the screen and start a new conversation (Alt+O)</source>
            <extracomment>The shortcut in the brackets is the one the button's "&amp;" makes.</extracomment>
            <translation>[Çļéåŕ ţĥé šçŕééñ åñđ šţåŕţ å ñéŵ çöñvéŕšåţîöñ (Åļţ+Ö) ······················]</translation>
        </message>
    </context>
    <context>
        <name>StartupStatus</name>
        <message>
            <source>Could not start</source>
            <extracomment>The indicator's colours (:mod:`desktop_app.ui.connection_indicator`), fields of core.contrast.Colours: on its way, failed.</extracomment>
            <translation>[Çöûļđ ñöţ šţåŕţ ······]</translation>
        </message>
        <message>
            <source>● {state}</source>
            <translation>[● {state} ····]</translation>
        </message>
        <message>
            <source>Connection status: {state}</source>
            <translation>[Çöññéçţîöñ šţåţûš: {state} ···········]</translation>
        </message>
    </context>
    <context>
        <name>TextSize</name>
        <message>
            <source>&amp;Larger text</source>
            <extracomment>Platform styles that draw with their own colours, whatever the palette says. The scheme drawn now, after a change (Scheme).</extracomment>
            <translation>[&amp;Låŕĝéŕ ţéxţ ·····]</translation>
        </message>
        <message>
            <source>&amp;Smaller text</source>
            <translation>[&amp;Sɱåļļéŕ ţéxţ ······]</translation>
        </message>
        <message>
            <source>&amp;Actual text size</source>
            <translation>[&amp;Açţûåļ ţéxţ šîžé ·······]</translation>
        </message>
        <message>
            <source>&amp;Actual text size (now {percent})</source>
            <translation>[&amp;Açţûåļ ţéxţ šîžé (ñöŵ {percent}) ··············]</translation>
        </message>
    </context>
    <context>
        <name>Transcript</name>
        <message>
            <source>Queued</source>
            <extracomment>Only these schemes leave the app, and only to the system's handler. How much of a message is rendered (the rest is kept, and copied). Citation markers (of a known citation) looked at in one reply; later ones stay plain. Qt's line breaking is quadratic in the length of a word: an unbroken run of text gets an (invisible) break opportunity every this many characters. A run ends only at a space or a tab: Python's other whitespace (a no-break space, U+001F) does not break a line. Qt's markers in a block's text: an image, a frame's start and end. Never in a label. Laid-out documents kept: a laid-out character holds about 60 bytes, so the weight bound (characters) is what bounds memory; it holds several fully rendered replies. Plain texts of replies kept (for the accessible summary and copying), by characters of the reply and of its plain text. The badge shown in the header of a message that is not delivered: its English text (shown translated: :func:`badge_text`), and its colour's name in core.contrast.Colours (the word says the state; colour repeats it).</extracomment>
            <translation>[Ǫûéûéđ ···]</translation>
        </message>
        <message>
            <source>Sending…</source>
            <translation>[Šéñđîñĝ… ····]</translation>
        </message>
        <message>
            <source>Failed</source>
            <translation>[Ƒåîļéđ ···]</translation>
        </message>
        <message>
            <source>queued</source>
            <translation>[ǫûéûéđ ···]</translation>
        </message>
        <message>
            <source>sending…</source>
            <translation>[šéñđîñĝ… ····]</translation>
        </message>
        <message>
            <source>failed</source>
            <translation>[ƒåîļéđ ···]</translation>
        </message>
        <message>
            <source>You</source>
            <translation>[Ýöû ··]</translation>
        </message>
        <message>
            <source>Assistant</source>
            <translation>[Åššîšţåñţ ····]</translation>
        </message>
        <message>
            <source>Unknown sender</source>
            <translation>[Ûñķñöŵñ šéñđéŕ ······]</translation>
        </message>
        <message>
            <source>{sender}, {time}: {text}</source>
            <translation>[{sender}, {time}: {text} ··········]</translation>
        </message>
        <message>
            <source>{sender}, {time}, {state} ({reason}): {text}</source>
            <translation>[{sender}, {time}, {state} ({reason}): {text} ··················]</translation>
        </message>
        <message>
            <source>{sender}, {time}, {state}: {text}</source>
            <translation>[{sender}, {time}, {state}: {text} ··············]</translation>
        </message>
        <message>
            <source>[image: {alt}]</source>
            <translation>[[îɱåĝé: {alt}] ······]</translation>
        </message>
        <message>
            <source>[image]</source>
            <translation>[[îɱåĝé] ···]</translation>
        </message>
        <message>
            <source>{size} KiB</source>
            <translation>[{size} ĶîƁ ····]</translation>
        </message>
        <message>
            <source>… and {count} more</source>
            <translation>[… åñđ {count} ɱöŕé ········]</translation>
        </message>
        <message>
            <source>This message could not be sent.</source>
            <translation>[Ţĥîš ɱéššåĝé çöûļđ ñöţ ƀé šéñţ. ·············]</translation>
        </message>
        <message>
            <source>— {reason} Right-click for Retry, Delete, Copy.</source>
            <extracomment>After a failed message's "Failed" badge. Retry, Delete and Copy: the message menu's items.</extracomment>
            <translation>[— {reason} Ŕîĝĥţ-çļîçķ ƒöŕ Ŕéţŕý, Đéļéţé, Çöþý. ···················]</translation>
        </message>
        <message>
            <source>… Shortened on screen: the first {shown} of {total} are shown. Select the message and press Ctrl+C to copy all of it.</source>
            <translation>[… Šĥöŕţéñéđ öñ šçŕééñ: ţĥé ƒîŕšţ {shown} öƒ {total} åŕé šĥöŵñ. Šéļéçţ ţĥé ɱéššåĝé åñđ þŕéšš Çţŕļ+Ç ţö çöþý åļļ öƒ îţ. ···············································]</translation>
        </message>
        <message>
            <source>Sources</source>
            <translation>[Šöûŕçéš ···]</translation>
        </message>
        <message>
            <source>Decision aids:</source>
            <translation>[Đéçîšîöñ åîđš: ······]</translation>
        </message>
    </context>
    <context>
        <name>TranscriptView</name>
        <message>
            <source>Conversation transcript</source>
            <extracomment>The href of a link the user clicked (not yet checked: the view decides). A link the user clicked, after the scheme check, as it is handed to ``open_url``. Kiosk lockdown: a link is shown in the app by this (url, title), never opened.</extracomment>
            <translation>[Çöñvéŕšåţîöñ ţŕåñšçŕîþţ ··········]</translation>
        </message>
    </context>
    <context>
        <name>announcements</name>
        <message>
            <source>The assistant is thinking…</source>
            <extracomment>How many words of a reply are said (the reader moves to the transcript for more). The assistant's flags, by what is said in English (:func:`assistant_text` translates).</extracomment>
            <translation>[Ţĥé åššîšţåñţ îš ţĥîñķîñĝ… ···········]</translation>
        </message>
        <message>
            <source>Generating your summary…</source>
            <translation>[Ĝéñéŕåţîñĝ ýöûŕ šûɱɱåŕý… ··········]</translation>
        </message>
        <message>
            <source>Your summary is ready.</source>
            <translation>[Ýöûŕ šûɱɱåŕý îš ŕéåđý. ·········]</translation>
        </message>
        <message>
            <source>Connected.</source>
            <translation>[Çöññéçţéđ. ····]</translation>
        </message>
        <message>
            <source>The connection is back.</source>
            <translation>[Ţĥé çöññéçţîöñ îš ƀåçķ. ··········]</translation>
        </message>
        <message>
            <source>Cannot reach the server yet. Trying again…</source>
            <translation>[Çåññöţ ŕéåçĥ ţĥé šéŕvéŕ ýéţ. Ţŕýîñĝ åĝåîñ… ·················]</translation>
        </message>
        <message>
            <source>The connection was lost. Reconnecting…</source>
            <translation>[Ţĥé çöññéçţîöñ ŵåš ļöšţ. Ŕéçöññéçţîñĝ… ················]</translation>
        </message>
        <message>
            <source>This computer is offline. The app reconnects when the network is back.</source>
            <translation>[Ţĥîš çöɱþûţéŕ îš öƒƒļîñé. Ţĥé åþþ ŕéçöññéçţš ŵĥéñ ţĥé ñéţŵöŕķ îš ƀåçķ. ····························]</translation>
        </message>
        <message>
            <source>Connection failed: {reason}. The app keeps trying.</source>
            <translation>[Çöññéçţîöñ ƒåîļéđ: {reason}. Ţĥé åþþ ķééþš ţŕýîñĝ. ····················]</translation>
        </message>
        <message>
            <source>Reply from {sender}: {words}</source>
            <translation>[Ŕéþļý ƒŕöɱ {sender}: {words} ············]</translation>
        </message>
        <message>
            <source>{count} new replies. The last from {sender}: {words}</source>
            <translation>[{count} ñéŵ ŕéþļîéš. Ţĥé ļåšţ ƒŕöɱ {sender}: {words} ·····················]</translation>
        </message>
    </context>
    <context>
        <name>conversation</name>
        <message>
            <source>You</source>
            <extracomment>How this person's own messages are named in the transcript (translated where made).</extracomment>
            <translation>[Ýöû ··]</translation>
        </message>
        <message>
            <source>Sign in…</source>
            <translation>[Šîĝñ îñ… ····]</translation>
        </message>
        <message>
            <source>Try again now</source>
            <translation>[Ţŕý åĝåîñ ñöŵ ······]</translation>
        </message>
        <message>
            <source>Start a new conversation</source>
            <translation>[Šţåŕţ å ñéŵ çöñvéŕšåţîöñ ··········]</translation>
        </message>
        <message>
            <source>{notice} Trying again in {seconds} s.</source>
            <extracomment>When the app tries again by itself (a monotonic time), shown as a countdown. The translate ``text`` was made with: the countdown and the button use it too.</extracomment>
            <translation>[{notice} Ţŕýîñĝ åĝåîñ îñ {seconds} š. ···············]</translation>
        </message>
        <message>
            <source>Its 1 message not sent is kept.</source>
            <translation>[Îţš 1 ɱéššåĝé ñöţ šéñţ îš ķéþţ. ·············]</translation>
        </message>
        <message>
            <source>Its {count} messages not sent are kept.</source>
            <translation>[Îţš {count} ɱéššåĝéš ñöţ šéñţ åŕé ķéþţ. ················]</translation>
        </message>
        <message>
            <source>This conversation no longer exists on the server (it may have been deleted).</source>
            <translation>[Ţĥîš çöñvéŕšåţîöñ ñö ļöñĝéŕ éxîšţš öñ ţĥé šéŕvéŕ (îţ ɱåý ĥåvé ƀééñ đéļéţéđ). ·······························]</translation>
        </message>
        <message>
            <source>Right-click a message to send it in a new conversation.</source>
            <translation>[Ŕîĝĥţ-çļîçķ å ɱéššåĝé ţö šéñđ îţ îñ å ñéŵ çöñvéŕšåţîöñ. ······················]</translation>
        </message>
        <message>
            <source>Start a new conversation to go on.</source>
            <translation>[Šţåŕţ å ñéŵ çöñvéŕšåţîöñ ţö ĝö öñ. ··············]</translation>
        </message>
        <message>
            <source>Cannot reach the server to start a new conversation.</source>
            <translation>[Çåññöţ ŕéåçĥ ţĥé šéŕvéŕ ţö šţåŕţ å ñéŵ çöñvéŕšåţîöñ. ·····················]</translation>
        </message>
        <message>
            <source>What you wrote stays in the message box.</source>
            <translation>[Ŵĥåţ ýöû ŵŕöţé šţåýš îñ ţĥé ɱéššåĝé ƀöx. ················]</translation>
        </message>
        <message>
            <source>Starting a new conversation…</source>
            <translation>[Šţåŕţîñĝ å ñéŵ çöñvéŕšåţîöñ… ············]</translation>
        </message>
        <message>
            <source>The conversation could not be loaded from the server. Messages you write are kept.</source>
            <translation>[Ţĥé çöñvéŕšåţîöñ çöûļđ ñöţ ƀé ļöåđéđ ƒŕöɱ ţĥé šéŕvéŕ. Ṁéššåĝéš ýöû ŵŕîţé åŕé ķéþţ. ·································]</translation>
        </message>
        <message>
            <source>No conversation is open: start a new one to send what you wrote.</source>
            <translation>[Ñö çöñvéŕšåţîöñ îš öþéñ: šţåŕţ å ñéŵ öñé ţö šéñđ ŵĥåţ ýöû ŵŕöţé. ··························]</translation>
        </message>
        <message>
            <source>Conversation {date}</source>
            <translation>[Çöñvéŕšåţîöñ {date} ········]</translation>
        </message>
    </context>
    <context>
        <name>errors</name>
        <message>
            <source>Free some disk space</source>
            <extracomment>The translation context of every error's words.</extracomment>
            <translation>[Ƒŕéé šöɱé đîšķ šþåçé ········]</translation>
        </message>
        <message>
            <source>Make the folder writable for this user (or free some disk space)</source>
            <translation>[Ṁåķé ţĥé ƒöļđéŕ ŵŕîţåƀļé ƒöŕ ţĥîš ûšéŕ (öŕ ƒŕéé šöɱé đîšķ šþåçé) ··························]</translation>
        </message>
        <message>
            <source>the message could not be saved on this computer: {reason} ({path}). {advice}, then press Send again: your text is still in the message box</source>
            <translation>[ţĥé ɱéššåĝé çöûļđ ñöţ ƀé šåvéđ öñ ţĥîš çöɱþûţéŕ: {reason} ({path}). {advice}, ţĥéñ þŕéšš Šéñđ åĝåîñ: ýöûŕ ţéxţ îš šţîļļ îñ ţĥé ɱéššåĝé ƀöx ························································]</translation>
        </message>
        <message>
            <source>the message could not be saved on this computer: {reason}. {advice}, then press Send again: your text is still in the message box</source>
            <translation>[ţĥé ɱéššåĝé çöûļđ ñöţ ƀé šåvéđ öñ ţĥîš çöɱþûţéŕ: {reason}. {advice}, ţĥéñ þŕéšš Šéñđ åĝåîñ: ýöûŕ ţéxţ îš šţîļļ îñ ţĥé ɱéššåĝé ƀöx ····················································]</translation>
        </message>
        <message>
            <source>the outbox on this computer could not be changed: {reason} ({path}). {advice}, then try again</source>
            <translation>[ţĥé öûţƀöx öñ ţĥîš çöɱþûţéŕ çöûļđ ñöţ ƀé çĥåñĝéđ: {reason} ({path}). {advice}, ţĥéñ ţŕý åĝåîñ ······································]</translation>
        </message>
        <message>
            <source>the outbox on this computer could not be changed: {reason}. {advice}, then try again</source>
            <translation>[ţĥé öûţƀöx öñ ţĥîš çöɱþûţéŕ çöûļđ ñöţ ƀé çĥåñĝéđ: {reason}. {advice}, ţĥéñ ţŕý åĝåîñ ··································]</translation>
        </message>
        <message>
            <source>the disk is full</source>
            <translation>[ţĥé đîšķ îš ƒûļļ ·······]</translation>
        </message>
        <message>
            <source>the disk quota of this user is used up</source>
            <translation>[ţĥé đîšķ ǫûöţå öƒ ţĥîš ûšéŕ îš ûšéđ ûþ ················]</translation>
        </message>
        <message>
            <source>the file would be larger than this disk allows</source>
            <translation>[ţĥé ƒîļé ŵöûļđ ƀé ļåŕĝéŕ ţĥåñ ţĥîš đîšķ åļļöŵš ···················]</translation>
        </message>
        <message>
            <source>the disk is read-only</source>
            <translation>[ţĥé đîšķ îš ŕéåđ-öñļý ·········]</translation>
        </message>
        <message>
            <source>this folder may not be written</source>
            <translation>[ţĥîš ƒöļđéŕ ɱåý ñöţ ƀé ŵŕîţţéñ ············]</translation>
        </message>
        <message>
            <source>a part of its path is a file, not a folder</source>
            <translation>[å þåŕţ öƒ îţš þåţĥ îš å ƒîļé, ñöţ å ƒöļđéŕ ·················]</translation>
        </message>
        <message>
            <source>its folder does not exist</source>
            <translation>[îţš ƒöļđéŕ đöéš ñöţ éxîšţ ··········]</translation>
        </message>
        <message>
            <source>it is a folder, not a file</source>
            <translation>[îţ îš å ƒöļđéŕ, ñöţ å ƒîļé ···········]</translation>
        </message>
        <message>
            <source>the disk reported an error</source>
            <translation>[ţĥé đîšķ ŕéþöŕţéđ åñ éŕŕöŕ ···········]</translation>
        </message>
        <message>
            <source>sign in to the server first (it refused {path} without a session)</source>
            <extracomment>Largest JSON answer read into memory (a long history with citations stays far below). Largest error body of a failed download that is read for its ``"error"`` string. Longest server ``"error"`` string shown to a person; a longer one may quote anything. Largest summary PDF saved. Summaries are tens of KiB; this leaves room for a long one with pictures and still stops a server that never ends the file. Longest a summary download may take in all (connecting included). A summary of tens of KiB takes well under a second; this allows a slow link to bring even a large one (1 MiB at 9 KiB/s), and stops a server that trickles bytes forever, which the per-read timeout alone never would.</extracomment>
            <translation>[šîĝñ îñ ţö ţĥé šéŕvéŕ ƒîŕšţ (îţ ŕéƒûšéđ {path} ŵîţĥöûţ å šéššîöñ) ··························]</translation>
        </message>
        <message>
            <source>sign-in failed: the email address or password is not correct</source>
            <translation>[šîĝñ-îñ ƒåîļéđ: ţĥé éɱåîļ åđđŕéšš öŕ þåššŵöŕđ îš ñöţ çöŕŕéçţ ························]</translation>
        </message>
        <message>
            <source>the server refused the sign-in (HTTP 403): its security check failed; check the server URL and try again</source>
            <extracomment>The last failed request's technical detail (errno, host), for the diagnostics. What the server's answers proved about the session (core/session.py).</extracomment>
            <translation>[ţĥé šéŕvéŕ ŕéƒûšéđ ţĥé šîĝñ-îñ (ĤŢŢÞ 403): îţš šéçûŕîţý çĥéçķ ƒåîļéđ; çĥéçķ ţĥé šéŕvéŕ ÛŔĻ åñđ ţŕý åĝåîñ ··········································]</translation>
        </message>
        <message>
            <source>too many sign-in attempts (HTTP 429): wait, then retry</source>
            <translation>[ţöö ɱåñý šîĝñ-îñ åţţéɱþţš (ĤŢŢÞ 429): ŵåîţ, ţĥéñ ŕéţŕý ······················]</translation>
        </message>
        <message>
            <source>the sign-in</source>
            <translation>[ţĥé šîĝñ-îñ ·····]</translation>
        </message>
        <message>
            <source>the server accepted the sign-in but set no session cookie: check that the server URL uses the scheme and host the server expects</source>
            <translation>[ţĥé šéŕvéŕ åççéþţéđ ţĥé šîĝñ-îñ ƀûţ šéţ ñö šéššîöñ çööķîé: çĥéçķ ţĥåţ ţĥé šéŕvéŕ ÛŔĻ ûšéš ţĥé šçĥéɱé åñđ ĥöšţ ţĥé šéŕvéŕ éxþéçţš ····················································]</translation>
        </message>
        <message>
            <source>the conversation service</source>
            <translation>[ţĥé çöñvéŕšåţîöñ šéŕvîçé ··········]</translation>
        </message>
        <message>
            <source>the server answered with an invalid conversation id</source>
            <translation>[ţĥé šéŕvéŕ åñšŵéŕéđ ŵîţĥ åñ îñvåļîđ çöñvéŕšåţîöñ îđ ·····················]</translation>
        </message>
        <message>
            <source>the summary of conversation {id}</source>
            <translation>[ţĥé šûɱɱåŕý öƒ çöñvéŕšåţîöñ {id} ·············]</translation>
        </message>
        <message>
            <source>the server sent something other than the summary PDF</source>
            <translation>[ţĥé šéŕvéŕ šéñţ šöɱéţĥîñĝ öţĥéŕ ţĥåñ ţĥé šûɱɱåŕý ÞĐƑ ·····················]</translation>
        </message>
        <message>
            <source>the summary download did not finish within {seconds} s: the connection is too slow or the server stalled; nothing was saved. Try again</source>
            <translation>[ţĥé šûɱɱåŕý đöŵñļöåđ đîđ ñöţ ƒîñîšĥ ŵîţĥîñ {seconds} š: ţĥé çöññéçţîöñ îš ţöö šļöŵ öŕ ţĥé šéŕvéŕ šţåļļéđ; ñöţĥîñĝ ŵåš šåvéđ. Ţŕý åĝåîñ ······················································]</translation>
        </message>
        <message>
            <source>cannot reach the server: {why}</source>
            <translation>[çåññöţ ŕéåçĥ ţĥé šéŕvéŕ: {why} ············]</translation>
        </message>
        <message>
            <source>the server redirected to {origin} (HTTP {status}): check the server URL</source>
            <translation>[ţĥé šéŕvéŕ ŕéđîŕéçţéđ ţö {origin} (ĤŢŢÞ {status}): çĥéçķ ţĥé šéŕvéŕ ÛŔĻ ·····························]</translation>
        </message>
        <message>
            <source>the server redirected {path} to another page (HTTP {status})</source>
            <translation>[ţĥé šéŕvéŕ ŕéđîŕéçţéđ {path} ţö åñöţĥéŕ þåĝé (ĤŢŢÞ {status}) ························]</translation>
        </message>
        <message>
            <source>the sign-in page</source>
            <translation>[ţĥé šîĝñ-îñ þåĝé ·······]</translation>
        </message>
        <message>
            <source>the server's sign-in page set no CSRF cookie: check the server URL</source>
            <translation>[ţĥé šéŕvéŕ'š šîĝñ-îñ þåĝé šéţ ñö ÇŠŔƑ çööķîé: çĥéçķ ţĥé šéŕvéŕ ÛŔĻ ···························]</translation>
        </message>
        <message>
            <source>conversation {id}</source>
            <translation>[çöñvéŕšåţîöñ {id} ·······]</translation>
        </message>
        <message>
            <source>{what} was not found on the server (HTTP 404)</source>
            <translation>[{what} ŵåš ñöţ ƒöûñđ öñ ţĥé šéŕvéŕ (ĤŢŢÞ 404) ··················]</translation>
        </message>
        <message>
            <source>the server refused access to {what} (HTTP {status}): sign in again, or ask the administrator for access</source>
            <translation>[ţĥé šéŕvéŕ ŕéƒûšéđ åççéšš ţö {what} (ĤŢŢÞ {status}): šîĝñ îñ åĝåîñ, öŕ åšķ ţĥé åđɱîñîšţŕåţöŕ ƒöŕ åççéšš ··········································]</translation>
        </message>
        <message>
            <source>the server is busy (HTTP 429): wait a moment and try again</source>
            <translation>[ţĥé šéŕvéŕ îš ƀûšý (ĤŢŢÞ 429): ŵåîţ å ɱöɱéñţ åñđ ţŕý åĝåîñ ························]</translation>
        </message>
        <message>
            <source>the server failed (HTTP {status}): try again later</source>
            <translation>[ţĥé šéŕvéŕ ƒåîļéđ (ĤŢŢÞ {status}): ţŕý åĝåîñ ļåţéŕ ····················]</translation>
        </message>
        <message>
            <source>unexpected answer from the server for {what} (HTTP {status})</source>
            <translation>[ûñéxþéçţéđ åñšŵéŕ ƒŕöɱ ţĥé šéŕvéŕ ƒöŕ {what} (ĤŢŢÞ {status}) ························]</translation>
        </message>
        <message>
            <source>the server's answer to {path} was not understood</source>
            <translation>[ţĥé šéŕvéŕ'š åñšŵéŕ ţö {path} ŵåš ñöţ ûñđéŕšţööđ ····················]</translation>
        </message>
        <message>
            <source>the server refused: {error}</source>
            <translation>[ţĥé šéŕvéŕ ŕéƒûšéđ: {error} ···········]</translation>
        </message>
        <message>
            <source>the summary is not available for download (HTTP 404)</source>
            <translation>[ţĥé šûɱɱåŕý îš ñöţ åvåîļåƀļé ƒöŕ đöŵñļöåđ (ĤŢŢÞ 404) ·····················]</translation>
        </message>
        <message>
            <source>cannot download the summary: {error}</source>
            <translation>[çåññöţ đöŵñļöåđ ţĥé šûɱɱåŕý: {error} ···············]</translation>
        </message>
        <message>
            <source>the server's answer to {path} was not JSON</source>
            <translation>[ţĥé šéŕvéŕ'š åñšŵéŕ ţö {path} ŵåš ñöţ ĴŠÖÑ ·················]</translation>
        </message>
        <message>
            <source>the server's answer to {path} is too large</source>
            <translation>[ţĥé šéŕvéŕ'š åñšŵéŕ ţö {path} îš ţöö ļåŕĝé ·················]</translation>
        </message>
        <message>
            <source>the summary is larger than {size}, far more than a summary can be: the download was stopped and nothing was saved. Try again later; if it happens again, tell your administrator</source>
            <translation>[ţĥé šûɱɱåŕý îš ļåŕĝéŕ ţĥåñ {size}, ƒåŕ ɱöŕé ţĥåñ å šûɱɱåŕý çåñ ƀé: ţĥé đöŵñļöåđ ŵåš šţöþþéđ åñđ ñöţĥîñĝ ŵåš šåvéđ. Ţŕý åĝåîñ ļåţéŕ; îƒ îţ ĥåþþéñš åĝåîñ, ţéļļ ýöûŕ åđɱîñîšţŕåţöŕ ·······································································]</translation>
        </message>
        <message>
            <source>Free some disk space or choose another folder</source>
            <translation>[Ƒŕéé šöɱé đîšķ šþåçé öŕ çĥööšé åñöţĥéŕ ƒöļđéŕ ··················]</translation>
        </message>
        <message>
            <source>Choose another folder</source>
            <translation>[Çĥööšé åñöţĥéŕ ƒöļđéŕ ·········]</translation>
        </message>
        <message>
            <source>The summary could not be saved to {path}: {reason}. {advice}, then download it again.</source>
            <translation>[Ţĥé šûɱɱåŕý çöûļđ ñöţ ƀé šåvéđ ţö {path}: {reason}. {advice}, ţĥéñ đöŵñļöåđ îţ åĝåîñ. ··································]</translation>
        </message>
        <message>
            <source>its certificate could not be verified</source>
            <translation>[îţš çéŕţîƒîçåţé çöûļđ ñöţ ƀé véŕîƒîéđ ···············]</translation>
        </message>
        <message>
            <source>no answer within {seconds} s</source>
            <translation>[ñö åñšŵéŕ ŵîţĥîñ {seconds} š ············]</translation>
        </message>
        <message>
            <source>the connection broke during the transfer</source>
            <translation>[ţĥé çöññéçţîöñ ƀŕöķé đûŕîñĝ ţĥé ţŕåñšƒéŕ ················]</translation>
        </message>
        <message>
            <source>no connection could be made</source>
            <translation>[ñö çöññéçţîöñ çöûļđ ƀé ɱåđé ···········]</translation>
        </message>
        <message>
            <source>the connection failed</source>
            <translation>[ţĥé çöññéçţîöñ ƒåîļéđ ·········]</translation>
        </message>
        <message>
            <source>the password store of this computer ({backend}) did not work ({error}): unlock it, or check that it runs, then try again</source>
            <extracomment>The entries' service name, as the system's password manager shows it.</extracomment>
            <translation>[ţĥé þåššŵöŕđ šţöŕé öƒ ţĥîš çöɱþûţéŕ ({backend}) đîđ ñöţ ŵöŕķ ({error}): ûñļöçķ îţ, öŕ çĥéçķ ţĥåţ îţ ŕûñš, ţĥéñ ţŕý åĝåîñ ················································]</translation>
        </message>
        <message>
            <source>{problem}: the kiosk account cannot be kept on this computer</source>
            <translation>[{problem}: ţĥé ķîöšķ åççöûñţ çåññöţ ƀé ķéþţ öñ ţĥîš çöɱþûţéŕ ························]</translation>
        </message>
        <message>
            <source>system password store</source>
            <extracomment>The entries' service name, as the system's password manager shows it. Browsers keep cookies of up to 4096 bytes; Django's session key is 32 characters. ``sessionid`` and ``__Secure-sessionid`` (and ``__Host-sessionid``) at most. Larger than any entry this module writes; a larger one is not ours to parse.</extracomment>
            <translation>[šýšţéɱ þåššŵöŕđ šţöŕé ·········]</translation>
        </message>
        <message>
            <source>{problem}: you will be asked to sign in each time the app starts.</source>
            <extracomment>What is wrong with the store (the first half of a reason; the kiosk account's error says what it means for the account instead).</extracomment>
            <translation>[{problem}: ýöû ŵîļļ ƀé åšķéđ ţö šîĝñ îñ éåçĥ ţîɱé ţĥé åþþ šţåŕţš. ··························]</translation>
        </message>
        <message>
            <source>This computer has no password store ({store}) available</source>
            <translation>[Ţĥîš çöɱþûţéŕ ĥåš ñö þåššŵöŕđ šţöŕé ({store}) åvåîļåƀļé ······················]</translation>
        </message>
        <message>
            <source>The password store of this computer ({store}) stayed locked</source>
            <translation>[Ţĥé þåššŵöŕđ šţöŕé öƒ ţĥîš çöɱþûţéŕ ({store}) šţåýéđ ļöçķéđ ························]</translation>
        </message>
        <message>
            <source>The password store of this computer ({store}) did not work</source>
            <translation>[Ţĥé þåššŵöŕđ šţöŕé öƒ ţĥîš çöɱþûţéŕ ({store}) đîđ ñöţ ŵöŕķ ························]</translation>
        </message>
        <message>
            <source>This message is too long to send ({size}; the limit is {limit}). Please shorten it.</source>
            <extracomment>Sends without delivery before a message is marked Failed (Retry starts again).</extracomment>
            <translation>[Ţĥîš ɱéššåĝé îš ţöö ļöñĝ ţö šéñđ ({size}; ţĥé ļîɱîţ îš {limit}). Þļéåšé šĥöŕţéñ îţ. ··································]</translation>
        </message>
        <message>
            <source>{count} messages are already waiting to be sent in this conversation. Please wait until they are delivered, or delete failed ones.</source>
            <translation>[{count} ɱéššåĝéš åŕé åļŕéåđý ŵåîţîñĝ ţö ƀé šéñţ îñ ţĥîš çöñvéŕšåţîöñ. Þļéåšé ŵåîţ ûñţîļ ţĥéý åŕé đéļîvéŕéđ, öŕ đéļéţé ƒåîļéđ öñéš. ····················································]</translation>
        </message>
        <message>
            <source>The messages waiting to be sent in this conversation already use {used} of {limit}. Please wait until they are delivered, or delete failed ones.</source>
            <translation>[Ţĥé ɱéššåĝéš ŵåîţîñĝ ţö ƀé šéñţ îñ ţĥîš çöñvéŕšåţîöñ åļŕéåđý ûšé {used} öƒ {limit}. Þļéåšé ŵåîţ ûñţîļ ţĥéý åŕé đéļîvéŕéđ, öŕ đéļéţé ƒåîļéđ öñéš. ··························································]</translation>
        </message>
        <message>
            <source>No unattended sign-in: {reason}.</source>
            <extracomment>Damaged files kept aside at start, in words for the window.</extracomment>
            <translation>[Ñö ûñåţţéñđéđ šîĝñ-îñ: {reason}. ·············]</translation>
        </message>
        <message>
            <source>cannot use the demo data file {path} ({reason}): make it readable and writable for this user, or move it away to start without the demo conversations</source>
            <translation>[çåññöţ ûšé ţĥé đéɱö đåţå ƒîļé {path} ({reason}): ɱåķé îţ ŕéåđåƀļé åñđ ŵŕîţåƀļé ƒöŕ ţĥîš ûšéŕ, öŕ ɱövé îţ åŵåý ţö šţåŕţ ŵîţĥöûţ ţĥé đéɱö çöñvéŕšåţîöñš ····························································]</translation>
        </message>
        <message>
            <source>demo data</source>
            <translation>[đéɱö đåţå ····]</translation>
        </message>
        <message>
            <source>outbox</source>
            <translation>[öûţƀöx ···]</translation>
        </message>
        <message>
            <source>The {what} file {path} was damaged: it was kept as {kept} and a new one was started.</source>
            <translation>[Ţĥé {what} ƒîļé {path} ŵåš đåɱåĝéđ: îţ ŵåš ķéþţ åš {kept} åñđ å ñéŵ öñé ŵåš šţåŕţéđ. ··································]</translation>
        </message>
    </context>
    <context>
        <name>presence</name>
        <message>
            <source>{milliseconds} ms</source>
            <translation>[{milliseconds} ɱš ·······]</translation>
        </message>
        <message>
            <source>attempt {attempt}</source>
            <translation>[åţţéɱþţ {attempt} ·······]</translation>
        </message>
        <message>
            <source>attempt {attempt}/{max_attempts}</source>
            <translation>[åţţéɱþţ {attempt}/{max_attempts} ·············]</translation>
        </message>
        <message>
            <source>idle</source>
            <translation>[îđļé ··]</translation>
        </message>
        <message>
            <source>connecting</source>
            <translation>[çöññéçţîñĝ ····]</translation>
        </message>
        <message>
            <source>open</source>
            <translation>[öþéñ ··]</translation>
        </message>
        <message>
            <source>reconnecting</source>
            <translation>[ŕéçöññéçţîñĝ ·····]</translation>
        </message>
        <message>
            <source>offline</source>
            <translation>[öƒƒļîñé ···]</translation>
        </message>
        <message>
            <source>failed</source>
            <translation>[ƒåîļéđ ···]</translation>
        </message>
        <message>
            <source>closed</source>
            <translation>[çļöšéđ ···]</translation>
        </message>
        <message>
            <source>{name}: {state}</source>
            <extracomment>A socket's name ("Chat"), then its state ("open").</extracomment>
            <translation>[{name}: {state} ······]</translation>
        </message>
        <message>
            <source>last close {code} ({reason})</source>
            <extracomment>The WebSocket close code, and the reason the server gave (in its words).</extracomment>
            <translation>[ļåšţ çļöšé {code} ({reason}) ············]</translation>
        </message>
        <message>
            <source>last close {code}</source>
            <translation>[ļåšţ çļöšé {code} ·······]</translation>
        </message>
        <message>
            <source>latency {latency}</source>
            <translation>[ļåţéñçý {latency} ·······]</translation>
        </message>
        <message>
            <source>Connected · {latency}</source>
            <translation>[Çöññéçţéđ · {latency} ·········]</translation>
        </message>
        <message>
            <source>Connected</source>
            <translation>[Çöññéçţéđ ····]</translation>
        </message>
        <message>
            <source>Not connected</source>
            <translation>[Ñöţ çöññéçţéđ ······]</translation>
        </message>
        <message>
            <source>Connecting…</source>
            <translation>[Çöññéçţîñĝ… ·····]</translation>
        </message>
        <message>
            <source>Reconnecting in {seconds} s ({attempt})</source>
            <translation>[Ŕéçöññéçţîñĝ îñ {seconds} š ({attempt}) ················]</translation>
        </message>
        <message>
            <source>Reconnecting…</source>
            <translation>[Ŕéçöññéçţîñĝ… ······]</translation>
        </message>
        <message>
            <source>Offline — waiting for the network</source>
            <translation>[Öƒƒļîñé — ŵåîţîñĝ ƒöŕ ţĥé ñéţŵöŕķ ··············]</translation>
        </message>
        <message>
            <source>checking your sign-in</source>
            <translation>[çĥéçķîñĝ ýöûŕ šîĝñ-îñ ·········]</translation>
        </message>
        <message>
            <source>not signed in</source>
            <translation>[ñöţ šîĝñéđ îñ ······]</translation>
        </message>
        <message>
            <source>1 message not sent</source>
            <translation>[1 ɱéššåĝé ñöţ šéñţ ········]</translation>
        </message>
        <message>
            <source>{count} messages not sent</source>
            <translation>[{count} ɱéššåĝéš ñöţ šéñţ ··········]</translation>
        </message>
        <message>
            <source>sending 1 message</source>
            <translation>[šéñđîñĝ 1 ɱéššåĝé ·······]</translation>
        </message>
        <message>
            <source>sending {count} messages</source>
            <translation>[šéñđîñĝ {count} ɱéššåĝéš ··········]</translation>
        </message>
        <message>
            <source>You can keep writing: your messages are kept on this computer and sent as soon as the connection is back.</source>
            <translation>[Ýöû çåñ ķééþ ŵŕîţîñĝ: ýöûŕ ɱéššåĝéš åŕé ķéþţ öñ ţĥîš çöɱþûţéŕ åñđ šéñţ åš šööñ åš ţĥé çöññéçţîöñ îš ƀåçķ. ··········································]</translation>
        </message>
        <message>
            <source>Connecting to the server…</source>
            <translation>[Çöññéçţîñĝ ţö ţĥé šéŕvéŕ… ··········]</translation>
        </message>
        <message>
            <source>The connection was lost. {status}.</source>
            <extracomment>{status} is the status bar's line, e.g. "Reconnecting in 4 s (attempt 2)".</extracomment>
            <translation>[Ţĥé çöññéçţîöñ ŵåš ļöšţ. {status}. ··············]</translation>
        </message>
        <message>
            <source>This computer is offline. The app reconnects as soon as the network is back.</source>
            <translation>[Ţĥîš çöɱþûţéŕ îš öƒƒļîñé. Ţĥé åþþ ŕéçöññéçţš åš šööñ åš ţĥé ñéţŵöŕķ îš ƀåçķ. ·······························]</translation>
        </message>
        <message>
            <source>Cannot connect ({reason}). Trying again…</source>
            <translation>[Çåññöţ çöññéçţ ({reason}). Ţŕýîñĝ åĝåîñ… ················]</translation>
        </message>
        <message>
            <source>Cannot connect ({reason}). Trying again in {seconds} s.</source>
            <translation>[Çåññöţ çöññéçţ ({reason}). Ţŕýîñĝ åĝåîñ îñ {seconds} š. ······················]</translation>
        </message>
        <message>
            <source>unknown reason</source>
            <translation>[ûñķñöŵñ ŕéåšöñ ······]</translation>
        </message>
        <message>
            <source>Connection failed — {reason}</source>
            <translation>[Çöññéçţîöñ ƒåîļéđ — {reason} ············]</translation>
        </message>
        <message>
            <source>Connection failed — {reason} · trying again in {seconds} s</source>
            <translation>[Çöññéçţîöñ ƒåîļéđ — {reason} · ţŕýîñĝ åĝåîñ îñ {seconds} š ························]</translation>
        </message>
    </context>
    <context>
        <name>session</name>
        <message>
            <source>no kiosk account is stored for this server (an administrator runs sdm-desktop --store-credentials)</source>
            <extracomment>Said once when the password store cannot keep the session (plain words). Signs a kiosk's service account in with no dialog (None: a person signs in). The states in which there is no session to use: an unattended kiosk signs in.</extracomment>
            <translation>[ñö ķîöšķ åççöûñţ îš šţöŕéđ ƒöŕ ţĥîš šéŕvéŕ (åñ åđɱîñîšţŕåţöŕ ŕûñš šđɱ-đéšķţöþ --šţöŕé-çŕéđéñţîåļš) ········································]</translation>
        </message>
        <message>
            <source>the kiosk account's email address or password is not correct (an administrator stores it again with sdm-desktop --store-credentials)</source>
            <translation>[ţĥé ķîöšķ åççöûñţ'š éɱåîļ åđđŕéšš öŕ þåššŵöŕđ îš ñöţ çöŕŕéçţ (åñ åđɱîñîšţŕåţöŕ šţöŕéš îţ åĝåîñ ŵîţĥ šđɱ-đéšķţöþ --šţöŕé-çŕéđéñţîåļš) ·····················································]</translation>
        </message>
        <message>
            <source>an unexpected error ({name})</source>
            <translation>[åñ ûñéxþéçţéđ éŕŕöŕ ({name}) ············]</translation>
        </message>
        <message>
            <source>The kiosk's session has ended: it is signing in again by itself.</source>
            <extracomment>When the latest request that confirmed the current cookie was sent (the caller's monotonic clock); -inf when none has. The session cookie's name ends with this: ``sessionid`` in development, ``__Secure-sessionid`` in production (PROTOCOL.md: never hard-code the name).</extracomment>
            <translation>[Ţĥé ķîöšķ'š šéššîöñ ĥåš éñđéđ: îţ îš šîĝñîñĝ îñ åĝåîñ ƀý îţšéļƒ. ··························]</translation>
        </message>
        <message>
            <source>The kiosk is not signed in: it is signing in by itself.</source>
            <translation>[Ţĥé ķîöšķ îš ñöţ šîĝñéđ îñ: îţ îš šîĝñîñĝ îñ ƀý îţšéļƒ. ······················]</translation>
        </message>
        <message>
            <source>1 waiting message will be sent then.</source>
            <translation>[1 ŵåîţîñĝ ɱéššåĝé ŵîļļ ƀé šéñţ ţĥéñ. ···············]</translation>
        </message>
        <message>
            <source>{count} waiting messages will be sent then.</source>
            <translation>[{count} ŵåîţîñĝ ɱéššåĝéš ŵîļļ ƀé šéñţ ţĥéñ. ··················]</translation>
        </message>
        <message>
            <source>Your session has ended.</source>
            <translation>[Ýöûŕ šéššîöñ ĥåš éñđéđ. ··········]</translation>
        </message>
        <message>
            <source>You are not signed in.</source>
            <translation>[Ýöû åŕé ñöţ šîĝñéđ îñ. ·········]</translation>
        </message>
        <message>
            <source>Sign in to see this conversation and send messages.</source>
            <translation>[Šîĝñ îñ ţö šéé ţĥîš çöñvéŕšåţîöñ åñđ šéñđ ɱéššåĝéš. ·····················]</translation>
        </message>
        <message>
            <source>Sign in to send 1 waiting message: they are kept until then.</source>
            <translation>[Šîĝñ îñ ţö šéñđ 1 ŵåîţîñĝ ɱéššåĝé: ţĥéý åŕé ķéþţ ûñţîļ ţĥéñ. ························]</translation>
        </message>
        <message>
            <source>Sign in to send {count} waiting messages: they are kept until then.</source>
            <translation>[Šîĝñ îñ ţö šéñđ {count} ŵåîţîñĝ ɱéššåĝéš: ţĥéý åŕé ķéþţ ûñţîļ ţĥéñ. ···························]</translation>
        </message>
        <message>
            <source>Not signed in: {reason}. Trying again by itself in {seconds} s; messages typed meanwhile are kept.</source>
            <translation>[Ñöţ šîĝñéđ îñ: {reason}. Ţŕýîñĝ åĝåîñ ƀý îţšéļƒ îñ {seconds} š; ɱéššåĝéš ţýþéđ ɱéåñŵĥîļé åŕé ķéþţ. ········································]</translation>
        </message>
    </context>
    <context>
        <name>startup</name>
        <message>
            <source>Starting the demo server…</source>
            <translation>[Šţåŕţîñĝ ţĥé đéɱö šéŕvéŕ… ··········]</translation>
        </message>
        <message>
            <source>Signing in to the demo server…</source>
            <translation>[Šîĝñîñĝ îñ ţö ţĥé đéɱö šéŕvéŕ… ············]</translation>
        </message>
        <message>
            <source>Connecting to {server}…</source>
            <translation>[Çöññéçţîñĝ ţö {server}… ··········]</translation>
        </message>
        <message>
            <source>SDM Desktop could not start. {reason}. Close this window, then start it again.</source>
            <translation>[ŠĐṀ Đéšķţöþ çöûļđ ñöţ šţåŕţ. {reason}. Çļöšé ţĥîš ŵîñđöŵ, ţĥéñ šţåŕţ îţ åĝåîñ. ································]</translation>
        </message>
    </context>
</TS>
