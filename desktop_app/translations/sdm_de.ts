<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>ConnectionIndicator</name>
    <message>
        <source>{state}, {attention}</source>
        <extracomment>The colour of each state, a field of core.contrast.Colours: the scheme&apos;s value (text is always there too: colour is never the only signal). &quot;Connected&quot;, but not everything is well (not signed in, messages waiting).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection status: {state}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connected</source>
        <translation type="unfinished">Verbunden</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation type="unfinished">Nicht verbunden</translation>
    </message>
    <message>
        <source>Connecting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reconnecting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Offline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection failed</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>NoticeBar</name>
    <message>
        <source>Notice action</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReconnectButton</name>
    <message>
        <source>&amp;Reconnect</source>
        <translation>&amp;Neu verbinden</translation>
    </message>
    <message>
        <source>Try to connect now instead of waiting (Alt+R)</source>
        <extracomment>The shortcut in the brackets is the one the button&apos;s &quot;&amp;&quot; makes.</extracomment>
        <translation>Jetzt verbinden, statt zu warten (Alt+N)</translation>
    </message>
</context>
<context>
    <name>StartupStatus</name>
    <message>
        <source>Connection status: {state}</source>
        <extracomment>The indicator&apos;s colours (:mod:`desktop_app.ui.connection_indicator`), fields of core.contrast.Colours: on its way, failed.</extracomment>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>announcements</name>
    <message>
        <source>The assistant is thinking…</source>
        <extracomment>How many words of a reply are said (the reader moves to the transcript for more). The assistant&apos;s flags, by what is said in English (:func:`assistant_text` translates).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Generating your summary…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your summary is ready.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connected.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The connection is back.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot reach the server yet. Trying again…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The connection was lost. Reconnecting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This computer is offline. The app reconnects when the network is back.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection failed: {reason}. The app keeps trying.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reply from {sender}: {words}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{count} new replies. The last from {sender}: {words}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>presence</name>
    <message>
        <source>{milliseconds} ms</source>
        <translation>{milliseconds} ms</translation>
    </message>
    <message>
        <source>attempt {attempt}</source>
        <translation>Versuch {attempt}</translation>
    </message>
    <message>
        <source>attempt {attempt}/{max_attempts}</source>
        <translation>Versuch {attempt}/{max_attempts}</translation>
    </message>
    <message>
        <source>Connected · {latency}</source>
        <translation>Verbunden · {latency}</translation>
    </message>
    <message>
        <source>Connected</source>
        <translation>Verbunden</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Nicht verbunden</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Verbindung wird hergestellt…</translation>
    </message>
    <message>
        <source>Reconnecting in {seconds} s ({attempt})</source>
        <translation>Neuer Verbindungsversuch in {seconds} s ({attempt})</translation>
    </message>
    <message>
        <source>Reconnecting…</source>
        <translation>Verbindung wird wiederhergestellt…</translation>
    </message>
    <message>
        <source>Offline — waiting for the network</source>
        <translation>Offline – Warten auf das Netzwerk</translation>
    </message>
    <message>
        <source>unknown reason</source>
        <translation>unbekannter Grund</translation>
    </message>
    <message>
        <source>Connection failed — {reason}</source>
        <translation>Verbindung fehlgeschlagen – {reason}</translation>
    </message>
    <message>
        <source>Connection failed — {reason} · trying again in {seconds} s</source>
        <translation>Verbindung fehlgeschlagen – {reason} · neuer Versuch in {seconds} s</translation>
    </message>
</context>
</TS>
