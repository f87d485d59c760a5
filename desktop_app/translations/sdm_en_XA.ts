<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_XA">
    <context>
        <name>ConnectionIndicator</name>
        <message>
            <source>{state}, {attention}</source>
            <extracomment>The colour of each state, a field of core.contrast.Colours: the scheme's value (text is always there too: colour is never the only signal). "Connected", but not everything is well (not signed in, messages waiting).</extracomment>
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
        <name>NoticeBar</name>
        <message>
            <source>Notice action</source>
            <translation>[Ñöţîçé åçţîöñ ······]</translation>
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
        <name>StartupStatus</name>
        <message>
            <source>Connection status: {state}</source>
            <extracomment>The indicator's colours (:mod:`desktop_app.ui.connection_indicator`), fields of core.contrast.Colours: on its way, failed.</extracomment>
            <translation>[Çöññéçţîöñ šţåţûš: {state} ···········]</translation>
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
</TS>
