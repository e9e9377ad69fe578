/** The preview's one stylesheet: system fonts, no external asset, readable from 320 px up. */
export const STYLES = `*,*::before,*::after{box-sizing:border-box}
html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK JP",sans-serif;font-size:100%;line-height:1.5;color:#1b1b1b;background:#f3f2f1}
body{margin:0}
a{color:#0050a0}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,summary:focus-visible{outline:3px solid #ffb900;outline-offset:2px}
.skip{position:absolute;left:-999px}
.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem;z-index:1}
.bar{display:flex;flex-wrap:wrap;justify-content:space-between;gap:.5rem;padding:.75rem 1rem;background:#243a5e;color:#fff}
.bar a{color:#fff;font-weight:600;text-decoration:none}
main{max-width:40rem;margin:0 auto;padding:1rem;overflow-wrap:anywhere}
.card{background:#fff;border:1px solid #d2d0ce;border-radius:6px;padding:1rem 1.25rem;margin-bottom:1rem}
h1{font-size:1.5rem;margin:.25rem 0 .75rem}
h2{font-size:1.2rem}
h3{font-size:1rem;margin:.75rem 0 .25rem}
.hint{color:#4a4a4a;font-size:.95rem}
.field{margin:0 0 .9rem}
label{display:block;font-weight:600;margin-bottom:.25rem}
.optional{font-weight:400;color:#4a4a4a}
input[type=text],input[type=email],input[type=password],select{width:100%;font:inherit;padding:.5rem;border:1px solid #8a8886;border-radius:4px;background:#fff;color:inherit}
input[aria-invalid=true]{border-color:#a4262c;border-width:2px}
fieldset{border:1px solid #d2d0ce;border-radius:4px;margin:0 0 1rem;padding:.5rem .75rem}
legend{font-weight:600;padding:0 .25rem}
.choice{display:flex;gap:.5rem;align-items:flex-start;margin:.35rem 0}
.choice label{font-weight:400;margin:0}
.choice input{margin-top:.35rem}
button{font:inherit;font-weight:600;padding:.6rem 1.1rem;border:0;border-radius:4px;background:#0063b1;color:#fff;cursor:pointer}
button:hover{background:#004e8c}
.journeys{display:flex;flex-wrap:wrap;gap:.5rem}
.journeys button{flex:1 1 12rem}
.page-error{background:#fde7e9;border-left:4px solid #a4262c;color:#750b1c;padding:.6rem .75rem;margin:0 0 1rem}
.field-error{color:#a4262c;margin:.25rem 0 0;font-size:.95rem}
.block{border-top:4px solid #a4262c}
.block-message{font-size:1.1rem}
table.claims{width:100%;border-collapse:collapse;table-layout:fixed}
.claims caption{text-align:left;font-weight:600;padding:.25rem 0}
.claims th,.claims td{border:1px solid #d2d0ce;padding:.4rem .5rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
.claims thead th{background:#f3f2f1}
.claims tbody th{font-family:ui-monospace,Consolas,monospace;font-weight:400;width:40%}
.calls{margin-top:1rem}
.panel{background:#fff;border:1px solid #d2d0ce;border-radius:6px;margin-bottom:.5rem;padding:.25rem .75rem}
.panel summary{cursor:pointer;font-weight:600;padding:.4rem 0;overflow-wrap:anywhere}
.outcome{margin:.25rem 0}
pre{background:#faf9f8;border:1px solid #edebe9;padding:.5rem;overflow-x:auto;white-space:pre-wrap;overflow-wrap:anywhere;font-size:.85rem}
code{font-family:ui-monospace,Consolas,monospace;overflow-wrap:anywhere}
`;
