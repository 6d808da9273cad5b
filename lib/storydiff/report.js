(function(){
 var root=document.getElementById('__ROOT_ID__'); if(!root) return;
 var links=JSON.parse(root.getAttribute('data-links'));
 var review=JSON.parse(root.getAttribute('data-review')||'[]');
 var info=root.querySelector('.sd-info');
 function clear(){root.querySelectorAll('.sd-active,.sd-partner').forEach(function(e){e.classList.remove('sd-active','sd-partner');});}
 function show(el){
  clear(); el.classList.add('sd-active');
  var k=el.getAttribute('data-link');
  if(k===null||k===''){
   var rv=(el.getAttribute('data-review')||'').split(' ').filter(function(x){return x!=='';});
   if(rv.length){
    var txt=[];
    rv.forEach(function(r){var c=review[+r]; c.a.concat([]).forEach(function(i){var e=root.querySelector('[data-side=a][data-id="'+i+'"]'); if(e&&e!==el) e.classList.add('sd-partner');});
     c.b.forEach(function(i){var e=root.querySelector('[data-side=b][data-id="'+i+'"]'); if(e&&e!==el) e.classList.add('sd-partner');}); txt.push(c.confidence.toFixed(2));});
    info.textContent=el.getAttribute('data-status-label')+' (dashed: the candidate partner; confidence '+txt.join(', ')+', below the cut for a link)';return;}
   info.textContent=el.getAttribute('data-status-label')+' (no partner in the other article)';return;}
  var lk=links[+k];
  lk.a.forEach(function(i){var e=root.querySelector('[data-side=a][data-id="'+i+'"]'); if(e&&e!==el) e.classList.add('sd-partner');});
  lk.b.forEach(function(i){var e=root.querySelector('[data-side=b][data-id="'+i+'"]'); if(e&&e!==el) e.classList.add('sd-partner');});
  var d=lk.details.join('; ');
  info.textContent=lk.status+(lk.moved?', moved':'')+' · similarity '+lk.similarity.toFixed(2)+(lk.confidence===null||lk.confidence===undefined?'':' · confidence '+lk.confidence.toFixed(2))+(d?' · differs: '+d:'');
 }
 root.querySelectorAll('.sd-u[data-side]').forEach(function(el){
  if(el.classList.contains('sd-furniture')) return;
  el.addEventListener('click',function(){show(el);});
  el.addEventListener('keydown',function(ev){if(ev.key==='Enter'||ev.key===' '){ev.preventDefault();show(el);}});
 });
})();
